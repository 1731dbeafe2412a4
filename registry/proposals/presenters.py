"""Stored proposal content as people read it: labels in the policy's words, names not ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.auth.models import BusinessUnit
from registry.auth.people import people_by_id
from registry.extensions import db
from registry.policy.content import WEEKDAYS
from registry.policy.hours import format_time
from registry.policy.platforms import PLATFORMS, shown_handle
from registry.proposals.models import Proposal, ProposalState

SECTIONS: list[tuple[Any, list[tuple[str, Any]]]] = [
    (
        _l("About the channel"),
        [
            ("channel_name", _l("Channel name")),
            ("platform", _l("Platform")),
            ("handle", _l("Handle")),
            ("channel_url", _l("Channel URL")),
            ("business_unit_id", _l("Business unit")),
            ("purpose", _l("Purpose")),
            ("audience", _l("Audience")),
            ("languages", _l("Languages")),
        ],
    ),
    (
        _l("Terms of use and monitoring"),
        [
            ("terms_of_use", _l("Terms of use")),
            ("monitoring_windows", _l("Monitoring hours")),
            ("out_of_hours_message", _l("Out-of-hours message")),
        ],
    ),
    (
        _l("Profile and links"),
        [
            ("profile_statement", _l("Profile statement")),
            ("profile_links", _l("Profile links")),
            ("related_channel_ids", _l("Related channels")),
            ("no_related_reason", _l("Reason no related channel applies")),
        ],
    ),
    (
        _l("People"),
        [
            ("liaison_id", _l("Communications liaison")),
            ("spokespeople_ids", _l("Authorised spokespeople")),
            ("peer_reviewer_ids", _l("Peer reviewers")),
            ("information_contact_id", _l("Information requests contact")),
        ],
    ),
    (
        _l("Confirmation"),
        [
            (
                "neutrality_confirmed",
                _l("I confirm political and commercial neutrality, privacy and copyright"),
            )
        ],
    ),
]
# Where a content key's value is edited on the form (for links from differences and reports).
FORM_FIELD = {
    "business_unit_id": "business_unit",
    "related_channel_ids": "related_channels",
    "liaison_id": "liaison",
    "spokespeople_ids": "spokespeople",
    "peer_reviewer_ids": "peer_reviewers",
    "information_contact_id": "information_contact",
}


class Names:
    """Looks up the people, units and channels a set of contents refers to, in few queries."""

    def __init__(self, *contents: dict[str, Any]) -> None:
        user_ids: set[int] = set()
        channel_ids: set[int] = set()
        unit_ids: set[int] = set()
        for content in contents:
            user_ids |= {content.get("liaison_id"), content.get("information_contact_id")} - {None}
            user_ids |= set(content.get("spokespeople_ids", []))
            user_ids |= set(content.get("peer_reviewer_ids", []))
            channel_ids |= set(content.get("related_channel_ids", []))
            if content.get("business_unit_id"):
                unit_ids.add(content["business_unit_id"])
        self.users = people_by_id(user_ids)
        # Nothing asked, nothing sent: most proposals name no related channels.
        self.channels = (
            {
                p.id: p
                for p in db.session.scalars(
                    select(Proposal).where(Proposal.id.in_(channel_ids))
                ).unique()
            }
            if channel_ids
            else {}
        )
        self.units = (
            {
                u.id: u
                for u in db.session.scalars(
                    select(BusinessUnit).where(BusinessUnit.id.in_(unit_ids))
                )
            }
            if unit_ids
            else {}
        )

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return ""
        user = self.users.get(user_id)
        if user is None:
            return f"(unknown person {user_id})"
        return user.display_name + ("" if user.is_active_account else " (deactivated)")

    def display(self, key: str, content: dict[str, Any]) -> str | list[str]:
        value = content.get(key)
        if key == "platform":
            label = PLATFORMS.get(value or "", value or "")
            return f"{label}: {content.get('platform_other', '')}" if value == "other" else label
        if key == "handle":
            return shown_handle(content.get("platform") or "", value or "")
        if key == "business_unit_id":
            unit = self.units.get(value)
            return unit.name if unit else ""
        if key == "monitoring_windows":
            return [
                _(
                    "%(day)s, %(starts)s to %(ends)s",
                    day=WEEKDAYS[w["weekday"]],
                    starts=format_time(_t(w["starts"])),
                    ends=format_time(_t(w["ends"])),
                )
                for w in value or []
            ]
        if key in ("liaison_id", "information_contact_id"):
            return self.user(value)
        if key in ("spokespeople_ids", "peer_reviewer_ids"):
            return [self.user(i) for i in value or []]
        if key == "related_channel_ids":
            return [
                self.channels[i].title if i in self.channels else f"channel {i}"
                for i in value or []
            ]
        if key == "neutrality_confirmed":
            return _("Confirmed") if value else _("Not confirmed")
        if isinstance(value, list):
            return [str(v) for v in value]
        return "" if value is None else str(value)


def _t(value: str):  # noqa: ANN202
    from datetime import time

    return time.fromisoformat(value)


def sections(
    content: dict[str, Any], names: Names | None = None
) -> list[tuple[str, list[tuple[str, str, Any]]]]:
    """[(section title, [(key, label, display value)])] for the proposal page and charter."""
    names = names or Names(content)
    return [
        (title, [(key, label, names.display(key, content)) for key, label in fields])
        for title, fields in SECTIONS
    ]


def differences(mine: dict[str, Any], saved: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """[(form field id, label, my value, saved value)] where two contents differ."""
    names = Names(mine, saved)
    rows = []
    for _title, fields in SECTIONS:
        for key, label in fields:
            ours, theirs = names.display(key, mine), names.display(key, saved)
            if ours != theirs:
                rows.append((FORM_FIELD.get(key, key), label, ours, theirs))
    return rows


@dataclass(frozen=True)
class ClosedToEdits:
    """Why an edit arrived too late, shown above the form as it was typed."""

    heading: str
    message: str


def closed_to_edits(proposal: Proposal) -> ClosedToEdits:
    """An edit posted after the proposal was approved, declined or withdrawn in the meantime."""
    state = proposal.state_enum
    said = state.label.lower()
    if state is ProposalState.APPROVED:
        message = _(
            "%(title)s was %(state)s meanwhile and can no longer be edited, so nothing was "
            "saved. To change the channel, propose a change to it from its page in the "
            "inventory; copy what you need from below. What you typed is kept on this page.",
            title=proposal.title,
            state=said,
        )
    else:
        message = _(
            "%(title)s was %(state)s meanwhile and can no longer be edited, so nothing was "
            "saved. To go on, start a new proposal and copy what you need from below. What you "
            "typed is kept on this page.",
            title=proposal.title,
            state=said,
        )
    return ClosedToEdits(
        heading=_("This proposal was %(state)s while you were editing", state=said),
        message=message,
    )
