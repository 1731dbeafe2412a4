"""The promises of closing a channel: its checklist is whole, and a channel's state only
ever moves forward."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from registry.audit.models import AuditEntry
from registry.channels.models import Channel
from registry.extensions import db
from tests.stateful.violation import Violation

# --- closing a channel ---------------------------------------------------------------------

# The order a channel moves through; it never moves back (a change re-approving an active
# channel leaves it active).
_STATE_ORDER = {"approved": 0, "active": 1, "closing": 2, "decommissioned": 3}


def channel_states() -> dict[int, str]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Channel.id, Channel.state)).all())


def lifecycle_moves_forward(previous: dict[int, str], now: dict[int, str]) -> list[Violation]:
    """Nothing un-decommissions, nor reopens a closing channel: states only move forward."""
    return [
        Violation("moves-forward", f"C-{cid:04d} went from {was} back to {now[cid]}.")
        for cid, was in previous.items()
        if cid in now and _STATE_ORDER[now[cid]] < _STATE_ORDER[was]
    ]


def closing_checklists_hold() -> list[Violation]:
    """A channel that started closing has every checklist item; a decommissioned one has every
    item ticked by someone (a person, or the registry for its automatic item) with a time, or
    was decommissioned before the checklist existed (no "channel-closing" entry, no items).
    Each was decommissioned exactly once, and a closing or decommissioned channel is never on
    the public register (``register_matches`` reads it) nor official in the lookup."""
    from registry.inventory.checklist import ITEMS
    from registry.inventory.models import ClosureItem

    found: list[Violation] = []
    keys = {kind.key for kind in ITEMS}
    started = set(
        db.session.scalars(
            sa.select(AuditEntry.object_id).where(AuditEntry.action == "channel-closing")
        )
    )
    decommissioned_entries = Counter(
        db.session.scalars(
            sa.select(AuditEntry.object_id).where(AuditEntry.action == "channel-decommissioned")
        )
    )
    for channel in db.session.scalars(
        sa.select(Channel).where(Channel.state.in_(("closing", "decommissioned")))
    ).unique():
        items = list(
            db.session.scalars(sa.select(ClosureItem).where(ClosureItem.channel_id == channel.id))
        )
        if str(channel.id) not in started and not items:
            continue  # closed before the checklist existed
        if {item.item for item in items} != keys:
            found.append(
                Violation(
                    "checklist", f"{channel.reference} has items {sorted(i.item for i in items)}."
                )
            )
        if channel.decommissioned_on is None:
            found.append(Violation("checklist", f"{channel.reference} has no closing date."))
        if channel.state == "decommissioned":
            unticked = [
                i.item
                for i in items
                if i.ticked_at is None or (i.ticked_by_id is None and not i.ticked_by_label)
            ]
            if unticked:
                found.append(
                    Violation(
                        "checklist",
                        f"{channel.reference} is decommissioned with {unticked} not ticked by "
                        "anyone.",
                    )
                )
            if decommissioned_entries[str(channel.id)] != 1:
                found.append(
                    Violation(
                        "checklist",
                        f"{channel.reference} was decommissioned "
                        f"{decommissioned_entries[str(channel.id)]} times.",
                    )
                )
    return found
