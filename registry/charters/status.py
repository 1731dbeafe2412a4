"""A charter's status as the public sees it: the state of its channel now, never just
"Approved" (a charter outlives the approval it records)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from registry.auth.offices import agency_today
from registry.channels.lookup import Standing, public_standing
from registry.channels.models import Channel
from registry.charters.document import CharterDocument
from registry.charters.models import Charter
from registry.charters.services import document_from_json
from registry.extensions import db
from registry.timeutil import format_date


class CharterStanding(enum.StrEnum):
    ACTIVE = "active"
    NOT_LIVE = "not-live"
    CLOSING = "closing"
    SUPERSEDED = "superseded"
    DECOMMISSIONED = "decommissioned"


_FROM_CHANNEL = {
    Standing.ACTIVE: CharterStanding.ACTIVE,
    Standing.NOT_LIVE: CharterStanding.NOT_LIVE,
    Standing.CLOSING: CharterStanding.CLOSING,
    Standing.CLOSED: CharterStanding.DECOMMISSIONED,
}


@dataclass(frozen=True)
class CharterStatus:
    standing: CharterStanding
    channel: Channel | None = None
    superseded_by: str | None = None  # the charter the channel runs under now, if issued
    on: date | None = None  # the closing date

    @property
    def in_force(self) -> bool:
        return self.standing in (CharterStanding.ACTIVE, CharterStanding.CLOSING)

    @property
    def words(self) -> str:
        """The status in a few words, as the verify page and the proposal page show it."""
        if self.standing is CharterStanding.SUPERSEDED:
            if self.superseded_by:
                return _("Superseded by %(number)s", number=self.superseded_by)
            return _("Superseded by a newer approval (its charter is not issued yet)")
        if self.standing is CharterStanding.ACTIVE:
            return _("Active")
        if self.standing is CharterStanding.NOT_LIVE:
            return _("Approved, not yet live")
        if self.standing is CharterStanding.CLOSING:
            return _("Active until %(day)s, when it closes", day=format_date(self.on))
        if self.on:
            return _("Decommissioned on %(day)s", day=format_date(self.on))
        return _("Decommissioned")


def charter_status(charter: Charter, today: date | None = None) -> CharterStatus:
    """The one place a charter's status is worked out, from its channel's state now."""
    channel = (
        db.session.get(Channel, charter.proposal.channel_id)
        if charter.proposal.channel_id is not None
        else None
    )
    if channel is None:
        # The final sign-off creates the channel in the same transaction as the approval,
        # so this is not expected; say no more than that it is approved and not live.
        return CharterStatus(CharterStanding.NOT_LIVE)
    if channel.proposal_id != charter.proposal_id:
        # A change re-approved: the channel runs under a newer proposal and its charter.
        # Point to the charter in force now rather than the next in a chain of them.
        newer = db.session.scalar(
            select(Charter.number).where(Charter.proposal_id == channel.proposal_id)
        )
        return CharterStatus(CharterStanding.SUPERSEDED, channel, superseded_by=newer)
    standing = public_standing(channel, today or agency_today())
    return CharterStatus(_FROM_CHANNEL[standing.standing], channel, on=standing.closes_on)


@dataclass(frozen=True)
class VerifyView:
    status: CharterStatus
    details: CharterDocument | None  # the channel as chartered; None if not to be shown


def verify_view(charter: Charter, signed_in: bool, register_public: bool) -> VerifyView:
    """What a charter's public verify page shows to this visitor."""
    status = charter_status(charter)
    details = None
    if shows_channel_details(status, signed_in, register_public):
        details = document_from_json(charter.document_json)
    return VerifyView(status, details)


def shows_channel_details(status: CharterStatus, signed_in: bool, register_public: bool) -> bool:
    """Whether the verify page names the channel (name, handle, address, business unit).

    Staff always see them. Otherwise only when the public register is on, and not for a
    channel that is approved but not live: charter numbers run in sequence, so anyone can
    walk through the verify pages, and that must not announce a channel before its launch
    (the register and the lookup do not show it either). With the register off, a visitor
    learns only whether the number is genuine and its status.
    """
    if signed_in:
        return True
    return register_public and status.standing is not CharterStanding.NOT_LIVE
