"""Where each of a proposer's proposals is now, in words a proposer uses: through sign-off,
then the channel an approved proposal created (or changed), going live, reviews and closing."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import format_date, local_date


@dataclass(frozen=True)
class Progress:
    proposal: Proposal
    where: str  # "Live since 3 March 2026, review due 3 March 2027"


def channels_of(proposals: list[Proposal]) -> dict[int, Channel]:
    """The channel each approved proposal created or changed, by channel id."""
    ids = {p.channel_id for p in proposals if p.channel_id}
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Channel).where(Channel.id.in_(ids)))}


def where_now(proposal: Proposal, channel: Channel | None, charter_issued: bool) -> str:
    state = proposal.state_enum
    if state is not ProposalState.APPROVED:
        return {
            ProposalState.DRAFT: _("Draft, not submitted yet"),
            ProposalState.AWAITING_SIGNOFF: _("Submitted, waiting for the three sign-offs"),
            ProposalState.CHANGES_REQUESTED: _(
                "Changes requested: edit it or reply, then submit it again"
            ),
            ProposalState.DECLINED: _("Declined"),
            ProposalState.WITHDRAWN: _("Withdrawn"),
        }[state]
    if channel is None:
        return _("Approved")
    if channel.proposal_id not in (None, proposal.id):
        # A later approved change now governs the channel: this one is history.
        return _("Approved, since replaced by a later change to the channel")
    if channel.state_enum.closed:
        if channel.decommissioned_on:
            return _("Closed on %(date)s", date=format_date(channel.decommissioned_on))
        return _("Closed")
    if channel.state_enum is ChannelState.APPROVED:
        if charter_issued:
            return _("Approved, charter issued, waiting to go live")
        return _("Approved, charter being prepared, waiting to go live")
    live = _live_since(channel)
    if channel.closure_scheduled_on:
        return _(
            "%(live)s, closing on %(date)s",
            live=live,
            date=format_date(channel.closure_scheduled_on),
        )
    if channel.review_due:
        return _("%(live)s, review due %(date)s", live=live, date=format_date(channel.review_due))
    return live


def _live_since(channel: Channel) -> str:
    if channel.went_live_at is None:
        return _("Live")
    day = local_date(channel.went_live_at, current_app.config["AGENCY_TIMEZONE"])
    return _("Live since %(date)s", date=format_date(day))


def progress_of(proposals: list[Proposal], chartered: Collection[int]) -> list[Progress]:
    """Each proposal with where it is now; ``chartered``: the ids of those with a charter."""
    channels = channels_of(proposals)
    return [
        Progress(p, where_now(p, channels.get(p.channel_id or 0), p.id in chartered))
        for p in proposals
    ]
