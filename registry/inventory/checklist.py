"""The closing checklist: what closing a channel properly takes, each item ticked with who and
when, so the account is managed "to disposal".

From its closing date a channel is ``closing`` (no longer official or monitored, still holding
its handle); ``start_checklist`` makes its items. The Communications team ticks them
(``tick``), giving what each needs; an item ticked in error is unticked with a reason
(``untick``) until the channel is decommissioned. Ticking the last item decommissions the
channel in the same transaction and sends ``signals.channel_closed``. Every change locks the
channel row first, so two people ticking the last two items at once decommission it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import holds
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, NotFoundError, RegistryError
from registry.extensions import db
from registry.inventory.models import ClosureItem
from registry.signals import channel_closed
from registry.timeutil import utcnow

# Who ticks the automatic item: the registry itself, when the channel starts closing.
AUTOMATIC_LABEL = "registry (automatic)"

HANDLE_DORMANT = "dormant"
HANDLE_RELEASED = "released"


def _required(details: Mapping[str, str], name: str, message: str, limit: int) -> str:
    value = (details.get(name) or "").strip()
    if not value:
        raise RegistryError(message, name)
    if len(value) > limit:
        raise RegistryError(
            _("Keep it under %(limit)s characters.", limit=format(limit, ",")),
            name,
        )
    return value


def _https_address(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in value


def _final_post(details: Mapping[str, str]) -> dict[str, str]:
    post_url = _required(
        details, "post_url", _("Enter the address of the final post, e.g. https://…"), 500
    )
    if not _https_address(post_url):
        raise RegistryError(
            _("Enter the final post's full address, starting https://, e.g. the post's link."),
            "post_url",
        )
    points_to = _required(
        details,
        "points_to",
        _("Say where the final post points people, e.g. the agency website or another channel."),
        500,
    )
    return {"post_url": post_url, "points_to": points_to}


def _profile(details: Mapping[str, str]) -> dict[str, str]:
    if details.get("confirmed") != "yes":
        raise RegistryError(_("Confirm the channel's profile now says it is closed."), "confirmed")
    return {}


def _handle(details: Mapping[str, str]) -> dict[str, str]:
    outcome = (details.get("outcome") or HANDLE_DORMANT).strip()
    if outcome not in (HANDLE_DORMANT, HANDLE_RELEASED):
        raise RegistryError(_("Choose whether the handle is kept dormant or released."), "outcome")
    if outcome == HANDLE_DORMANT:
        return {"outcome": outcome}
    reason = _required(
        details,
        "release_reason",
        _("Give the reason the handle is released: anyone could then take it."),
        2000,
    )
    return {"outcome": outcome, "release_reason": reason}


def _records(details: Mapping[str, str]) -> dict[str, str]:
    return {
        "disposal_authority": _required(
            details,
            "disposal_authority",
            _("Enter the reference of the records disposal authority the content is kept under."),
            200,
        ),
        "export_location": _required(
            details,
            "export_location",
            _("Say where the exported content is kept, e.g. its file reference."),
            500,
        ),
    }


@dataclass(frozen=True)
class ItemKind:
    key: str
    title: str
    hint: str
    # Checks and cleans what was entered; raises RegistryError naming the field. None for the
    # automatic item, which nobody ticks.
    check: Callable[[Mapping[str, str]], dict[str, str]] | None


ITEMS: tuple[ItemKind, ...] = (
    ItemKind(
        "final-post",
        _l("Publish a final post"),
        _l("Announce the closure on the channel and point people to where they should go."),
        _final_post,
    ),
    ItemKind(
        "profile",
        _l("Update the profile"),
        _l("The channel's profile says the channel is closed."),
        _profile,
    ),
    ItemKind(
        "handle",
        _l("Keep or release the handle"),
        _l("Keep it dormant, so nobody else takes it, or release it with a reason."),
        _handle,
    ),
    ItemKind(
        "records",
        _l("Keep the content under the disposal authority"),
        _l("Export the content and keep it as the records disposal authority says."),
        _records,
    ),
    ItemKind(
        "register",
        _l("Update the public register and transparency statement"),
        _l("Done by the registry: the channel left them on its closing date."),
        None,
    ),
)
KINDS = {kind.key: kind for kind in ITEMS}


def kind_of(key: str) -> ItemKind:
    kind = KINDS.get(key)
    if kind is None:
        raise NotFoundError(_("There is no such closing checklist item."))
    return kind


def start_checklist(channel: Channel) -> None:
    """Make ``channel``'s checklist as it starts closing (caller holds its lock and commits).
    The public register and the lookup stop listing it as official from now, so that item is
    done at once, by the registry."""
    now = utcnow()
    existing = {row.item for row in _rows(channel.id)}
    for kind in ITEMS:
        if kind.key in existing:
            continue
        automatic = kind.check is None
        db.session.add(
            ClosureItem(
                channel_id=channel.id,
                item=kind.key,
                ticked_at=now if automatic else None,
                ticked_by_label=AUTOMATIC_LABEL if automatic else "",
                details_json="{}",
            )
        )
    db.session.flush()


def _rows(channel_id: int) -> list[ClosureItem]:
    return list(db.session.scalars(select(ClosureItem).where(ClosureItem.channel_id == channel_id)))


@dataclass(frozen=True)
class ItemStatus:
    kind: ItemKind
    row: ClosureItem | None

    @property
    def done(self) -> bool:
        return self.row is not None and self.row.ticked

    @property
    def automatic(self) -> bool:
        return self.kind.check is None


def checklist_of(channel: Channel) -> list[ItemStatus]:
    """The channel's items in order; empty for a channel closed before the checklist existed."""
    rows = {row.item: row for row in _rows(channel.id)}
    if not rows:
        return []
    return [ItemStatus(kind, rows.get(kind.key)) for kind in ITEMS]


def progress_of(channel_ids: Iterable[int]) -> dict[int, int]:
    """How many items are done, by channel id, in one query (the inventory's list)."""
    ids = list(channel_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(ClosureItem.channel_id, func.count())
            .where(ClosureItem.channel_id.in_(ids), ClosureItem.ticked_at.is_not(None))
            .group_by(ClosureItem.channel_id)
        ).all()
    )


CLOSING_LISTED = 10


def still_closing(limit: int = CLOSING_LISTED) -> list[tuple[Channel, int]]:
    """The channels closed longest ago whose checklist is not done, with how many items are
    (the Communications team's dashboard: a channel stuck in closing is still not disposed
    of properly)."""
    channels = list(
        db.session.scalars(
            select(Channel)
            .where(Channel.state == ChannelState.CLOSING.value)
            .order_by(Channel.decommissioned_on, Channel.id)
            .limit(limit)
        ).unique()
    )
    done = progress_of(channel.id for channel in channels)
    return [(channel, done.get(channel.id, 0)) for channel in channels]


def _closing_channel(channel_id: int, actor: User) -> Channel:
    if not holds(actor, Office.COMMUNICATIONS_TEAM):
        raise ForbiddenError(_("Only the Communications team works through a closing checklist."))
    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise NotFoundError(_("That channel does not exist."))
    if channel.state_enum is not ChannelState.CLOSING:
        raise ConflictError(
            _(
                "%(name)s is %(state)s, so its closing checklist cannot be changed.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )
    return channel


def _item_row(channel: Channel, kind: ItemKind) -> ClosureItem:
    row = db.session.scalar(
        select(ClosureItem).where(
            ClosureItem.channel_id == channel.id, ClosureItem.item == kind.key
        )
    )
    if row is None:  # every closing channel has its items; this would be a damaged record
        raise ConflictError(_("%(name)s has no closing checklist.", name=channel.name))
    return row


def tick(channel_id: int, key: str, actor: User, details: Mapping[str, str]) -> Channel:
    """Tick one item with what it needs; the last item ticked decommissions the channel."""
    kind = kind_of(key)
    channel = _closing_channel(channel_id, actor)
    if kind.check is None:
        raise ConflictError(_("The registry does this item itself."))
    cleaned = kind.check(details)
    row = _item_row(channel, kind)
    if row.ticked:
        who = row.ticked_by.display_name if row.ticked_by else row.ticked_by_label
        raise ConflictError(
            _(
                "%(item)s was already ticked by %(name)s. Untick it with a reason to correct it.",
                item=kind.title,
                name=who,
            )
        )
    row.ticked_at = utcnow()
    row.ticked_by_id = actor.id
    row.ticked_by_label = ""
    row.details_json = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
    channel.updated_at = row.ticked_at
    record("closure-item-ticked", "channel", channel.id, actor=actor, item=kind.key, **cleaned)
    db.session.flush()
    if all(status.done for status in checklist_of(channel)):
        _decommission(channel, actor)
    db.session.commit()
    return channel


def _decommission(channel: Channel, actor: User) -> None:
    channel.state = ChannelState.DECOMMISSIONED.value
    channel.updated_at = utcnow()
    record(
        "channel-decommissioned",
        "channel",
        channel.id,
        actor=actor,
        before={"state": ChannelState.CLOSING.value},
        after={"state": channel.state},
        on=channel.decommissioned_on.isoformat() if channel.decommissioned_on else None,
        checklist="complete",
    )
    channel_closed.send(channel, actor=actor)


def untick(channel_id: int, key: str, actor: User, reason: str) -> Channel:
    """Correct an item ticked in error, with the reason (until the channel is decommissioned)."""
    kind = kind_of(key)
    channel = _closing_channel(channel_id, actor)
    if kind.check is None:
        raise ConflictError(_("The registry does this item itself; it cannot be unticked."))
    reason = (reason or "").strip()
    if not reason:
        raise RegistryError(_("Give the reason the item is unticked."), "reason")
    row = _item_row(channel, kind)
    if not row.ticked:
        raise ConflictError(_("%(item)s is not ticked.", item=kind.title))
    before = {
        "ticked_by": row.ticked_by_id,
        "ticked_at": row.ticked_at.isoformat(),
        **row.details,
    }
    row.ticked_at = None
    row.ticked_by_id = None
    row.ticked_by_label = ""
    row.details_json = "{}"
    channel.updated_at = utcnow()
    record(
        "closure-item-unticked",
        "channel",
        channel.id,
        actor=actor,
        item=kind.key,
        before=before,
        reason=reason[:500],
    )
    db.session.commit()
    return channel
