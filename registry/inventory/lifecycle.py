"""A channel's lifecycle after approval: approval, go-live, decommission, change.

Recertifying is two attestations: see ``attestations``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry import signals
from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, RegistryError
from registry.extensions import db
from registry.inventory.models import ChannelReview
from registry.policy.account_ids import account_id_message, normalise_account_id
from registry.policy.platforms import channel_url_problem, normalise_handle
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import add_months, local_date, utcnow


def review_due_after(moment: datetime) -> date:
    config = current_app.config
    return add_months(
        local_date(moment, config["AGENCY_TIMEZONE"]), config["REVIEW_INTERVAL_MONTHS"]
    )


def on_approval(proposal: Proposal) -> Channel:
    """In the final sign-off's transaction: create the channel, or update the one changed."""
    content = proposal.current_revision.content
    if proposal.channel_id is not None:
        channel = db.session.get(Channel, proposal.channel_id)
    else:
        channel = Channel(
            state=ChannelState.APPROVED.value, business_unit_id=proposal.business_unit_id
        )
        db.session.add(channel)
    channel.name = content.get("channel_name", "")[:200]
    channel.platform = content.get("platform", "")
    channel.platform_other = content.get("platform_other", "")[:100]
    channel.handle = content.get("handle", "")[:200]
    channel.handle_key = normalise_handle(channel.platform, channel.handle)[:200]
    if content.get("channel_url"):
        channel.channel_url = content["channel_url"][:500]
    channel.business_unit_id = proposal.business_unit_id
    channel.liaison_id = content.get("liaison_id")
    channel.proposal_id = proposal.id
    from registry.proposals.models import people_ids_of

    channel.people_ids = people_ids_of(content)
    channel.languages = "\n".join(content.get("languages", []))
    channel.people_problem = ""
    channel.no_charter = False
    channel.approved_at = proposal.approved_at
    if channel.state == ChannelState.ACTIVE.value:
        # A change approved is a new review due: the next cycle, with no attestations yet.
        channel.review_due = review_due_after(proposal.approved_at)
        channel.review_cycle = (channel.review_cycle or 0) + 1
    channel.updated_at = utcnow()
    db.session.flush()
    if proposal.channel_id is None:
        proposal.channel_id = channel.id
    record(
        "channel-approved",
        "channel",
        channel.id,
        actor=None,
        proposal=proposal.reference,
        state=channel.state,
    )
    signals.channel_approved.send(channel, proposal=proposal)
    return channel


def _locked_channel(channel_id: int) -> Channel:
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    return channel


def go_live(channel_id: int, actor: User, channel_url: str, account_id: str = "") -> Channel:
    begin_write()
    channel = _locked_channel(channel_id)
    if channel.state_enum is ChannelState.ACTIVE:
        raise ConflictError(
            _(
                "%(name)s was marked as live meanwhile, at %(url)s. Nothing was changed; if "
                "that address is wrong, propose a change to the channel.",
                name=channel.name,
                url=channel.channel_url,
            )
        )
    if channel.state_enum is not ChannelState.APPROVED:
        raise ConflictError(
            _(
                "%(name)s is %(state)s, not waiting to go live.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )
    channel_url = channel_url.strip()
    if not channel_url:
        raise RegistryError(
            _("Enter the channel's web address, now that it is live."), "channel_url"
        )
    problem = channel_url_problem(channel.platform, channel.handle, channel_url)
    if problem:
        raise RegistryError(problem, "channel_url")
    account_id = normalise_account_id(channel.platform, account_id or "")
    id_problem = account_id_message(channel.platform, account_id)
    if id_problem:
        raise RegistryError(_(id_problem.template, **id_problem.values), "platform_account_id")
    from registry.inventory.risk import require_secure_or_accepted

    accepted = require_secure_or_accepted(channel, actor, "go-live")
    now = utcnow()
    channel.channel_url = channel_url[:500]
    channel.platform_account_id = account_id
    channel.state = ChannelState.ACTIVE.value
    channel.went_live_at = now
    channel.review_due = review_due_after(channel.approved_at or now)
    channel.updated_at = now
    record(
        "channel-live",
        "channel",
        channel.id,
        actor=actor,
        url=channel.channel_url,
        platform_account_id=account_id or None,
        review_due=channel.review_due.isoformat(),
        security_risk_accepted_by=accepted.capacity if accepted else None,
    )
    signals.channel_went_live.send(channel, actor=actor)
    db.session.commit()
    return channel


@dataclass(frozen=True)
class ReviewAnswers:
    still_needed: bool
    terms_accurate: bool
    hours_kept: bool
    spokespeople_right: bool
    notes: str = ""


def _active(channel: Channel) -> None:
    if channel.state_enum is not ChannelState.ACTIVE:
        raise ConflictError(
            _(
                "%(name)s is %(state)s, not active.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )


def _answers(answers: ReviewAnswers) -> dict[str, Any]:
    return {
        "still_needed": answers.still_needed,
        "terms_accurate": answers.terms_accurate,
        "hours_kept": answers.hours_kept,
        "spokespeople_right": answers.spokespeople_right,
        "notes": answers.notes[:5000],
    }


def decommission(
    channel_id: int,
    actor: User,
    on_date: date | None,
    reason: str,
    answers: ReviewAnswers | None = None,
) -> Channel:
    begin_write()
    channel = _locked_channel(channel_id)
    if channel.state_enum.closed:
        raise ConflictError(
            _(
                "%(name)s is already %(state)s.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )
    reason = reason.strip()
    if not reason:
        raise RegistryError(_("Give the reason the channel is being decommissioned."), "reason")
    if on_date is None:
        raise RegistryError(
            _("Enter the date the channel was (or will be) closed, e.g. 2026-12-01."),
            "decommissioned_on",
        )
    from registry.inventory.closing import channel_started_on, close_now, schedule_closure

    started = channel_started_on(channel)
    if started is not None and on_date < started:
        raise RegistryError(
            _(
                "%(name)s started on %(day)s: it cannot close before then. Enter that date or "
                "a later one.",
                name=channel.name,
                day=format(started, "%-d %B %Y"),
            ),
            "decommissioned_on",
        )
    scheduled = on_date > agency_today()
    if answers is not None:
        db.session.add(
            ChannelReview(
                channel_id=channel.id,
                reviewer=actor,
                reviewed_at=utcnow(),
                outcome="closure-scheduled" if scheduled else "decommissioned",
                **_answers(answers),
            )
        )
    if scheduled:
        schedule_closure(channel, actor, on_date, reason)
    else:
        close_now(channel, actor, on_date, reason)
    db.session.commit()
    return channel


def start_change(channel_id: int, actor: User, answers: ReviewAnswers | None = None) -> Proposal:
    """A new proposal for an existing channel: the current content, to edit and sign again."""
    from registry.proposals import services as proposals

    begin_write()
    channel = _locked_channel(channel_id)
    if channel.state_enum.closed:
        raise ConflictError(
            _("%(name)s is closed; propose a new channel instead.", name=channel.name)
        )
    open_change = db.session.scalar(
        select(Proposal).where(
            Proposal.channel_id == channel.id,
            Proposal.state.in_(
                [
                    s.value
                    for s in (
                        ProposalState.DRAFT,
                        ProposalState.AWAITING_SIGNOFF,
                        ProposalState.CHANGES_REQUESTED,
                    )
                ]
            ),
        )
    )
    if open_change is not None:
        raise ConflictError(
            _(
                "%(reference)s is already open for %(name)s; continue that one.",
                reference=open_change.reference,
                name=channel.name,
            )
        )
    if channel.proposal_id:
        content = dict(db.session.get(Proposal, channel.proposal_id).current_revision.content)
        # The change starts from the address the channel has now (set when it went live), so
        # the policy check holds the changed handle and the address together.
        content["channel_url"] = content.get("channel_url") or channel.channel_url
    else:
        content = proposals.empty_content(channel.business_unit_id)
        content.update(
            channel_name=channel.name,
            platform=channel.platform,
            platform_other=channel.platform_other,
            handle=channel.handle,
            channel_url=channel.channel_url,
            liaison_id=channel.liaison_id,
        )
    now = utcnow()
    if answers is not None:
        db.session.add(
            ChannelReview(
                channel_id=channel.id,
                reviewer=actor,
                reviewed_at=now,
                outcome="change-started",
                **_answers(answers),
            )
        )
    proposal = proposals.new_draft(actor, content, channel.id)
    db.session.flush()
    record(
        "channel-change-started", "channel", channel.id, actor=actor, proposal=proposal.reference
    )
    record(
        "proposal-created",
        "proposal",
        proposal.reference,
        actor=actor,
        after={"channel": channel.name, "revision": 1, "changes": channel.reference},
    )
    db.session.commit()
    return proposal
