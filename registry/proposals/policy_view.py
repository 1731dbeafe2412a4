"""What the policy rules see of a proposal (its people and related channels), and their report."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any

from flask import current_app
from sqlalchemy import select

from registry.auth.models import Office, User
from registry.auth.people import people_by_id
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.policy.content import (
    Agency,
    MonitoringWindow,
    Person,
    ProposalContent,
    RelatedChannel,
    SignoffFact,
)
from registry.policy.rules import RULES, RuleResult, check
from registry.proposals.models import Proposal


def agency() -> Agency:
    config = current_app.config
    return Agency(
        name=config["AGENCY_NAME"],
        te_reo_name=config["AGENCY_TE_REO_NAME"],
        domain=config["AGENCY_DOMAIN"],
        timezone=config["AGENCY_TIMEZONE"],
    )


def _person(user: User | None, comms_ids: set[int]) -> Person | None:
    if user is None:
        return None
    return Person(
        id=user.id,
        name=user.display_name,
        active=user.is_active_account,
        in_communications_team=user.id in comms_ids,
    )


def communications_team() -> list[User]:
    from registry.auth.offices import holders

    return sorted(
        {a.user for a in holders(Office.COMMUNICATIONS_TEAM)}, key=lambda u: u.display_name
    )


def registered_channels() -> list[Proposal]:
    """Channels other proposals can link to: the active ones, each once, by the proposal that
    set it up as it is now (an approved change moves a channel on to its new proposal). An
    approved proposal alone is not enough: its channel may not be live yet, or be closed."""
    return list(
        db.session.scalars(
            select(Proposal)
            .join(Channel, Channel.proposal_id == Proposal.id)
            .where(Channel.state == ChannelState.ACTIVE.value)
            .order_by(Proposal.channel_name)
        ).unique()
    )


def current_related_ids(related_ids: list[int]) -> list[int]:
    """A stored selection of related channels as the form offers them now: each channel by the
    proposal that set it up as it is now, once (a draft chosen before a change keeps it)."""
    if not related_ids:
        return []
    now = dict(
        db.session.execute(
            select(Proposal.id, Channel.proposal_id)
            .join(Channel, Channel.id == Proposal.channel_id)
            .where(Proposal.id.in_(related_ids), Channel.proposal_id.is_not(None))
        ).all()
    )
    return list(dict.fromkeys(now.get(i, i) for i in related_ids))


def _related_channels(related_ids: list[int]) -> list[RelatedChannel]:
    """The channels a proposal links to, each once, active only if its channel is active now.

    A selection is stored as the proposal that set the channel up; after an approved change
    the earlier and the later proposal both name the same channel, which counts once.
    """
    found = {
        p.id: p
        for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(related_ids))).unique()
    }
    channel_ids = {p.channel_id for p in found.values() if p.channel_id is not None}
    channels = {
        c.id: c for c in db.session.scalars(select(Channel).where(Channel.id.in_(channel_ids)))
    }
    related: list[RelatedChannel] = []
    seen: set[tuple[str, int]] = set()
    for i in related_ids:
        proposal = found.get(i)
        channel = channels.get(proposal.channel_id) if proposal and proposal.channel_id else None
        key = ("channel", channel.id) if channel else ("proposal", i)
        if key in seen:
            continue
        seen.add(key)
        related.append(
            RelatedChannel(
                id=i,
                name=channel.name if channel else (proposal.title if proposal else f"channel {i}"),
                active=channel is not None and channel.state_enum is ChannelState.ACTIVE,
            )
        )
    return related


def rules_view(content: dict[str, Any], proposer: User | None) -> ProposalContent:
    """Turn stored content (ids, strings) into what the policy rules read."""
    person_ids = {
        *content.get("spokespeople_ids", []),
        *content.get("peer_reviewer_ids", []),
        content.get("liaison_id"),
        content.get("information_contact_id"),
    } - {None}
    users = people_by_id(person_ids)
    comms_ids = {u.id for u in communications_team()}
    related_ids = content.get("related_channel_ids", [])
    related = _related_channels(related_ids) if related_ids else []
    windows = tuple(
        MonitoringWindow(
            weekday=w["weekday"],
            starts=time.fromisoformat(w["starts"]),
            ends=time.fromisoformat(w["ends"]),
        )
        for w in content.get("monitoring_windows", [])
    )
    return ProposalContent(
        channel_name=content.get("channel_name", ""),
        platform=content.get("platform", ""),
        platform_other=content.get("platform_other", ""),
        handle=content.get("handle", ""),
        channel_url=content.get("channel_url", ""),
        business_unit_id=content.get("business_unit_id"),
        purpose=content.get("purpose", ""),
        audience=content.get("audience", ""),
        languages=tuple(content.get("languages", [])),
        terms_of_use=content.get("terms_of_use", ""),
        monitoring_windows=windows,
        out_of_hours_message=content.get("out_of_hours_message", ""),
        profile_statement=content.get("profile_statement", ""),
        profile_links=tuple(content.get("profile_links", [])),
        related_channels=tuple(related),
        no_related_reason=content.get("no_related_reason", ""),
        liaison=_person(users.get(content.get("liaison_id")), comms_ids),
        spokespeople=tuple(
            _person(users[i], comms_ids) for i in content.get("spokespeople_ids", []) if i in users
        ),
        peer_reviewers=tuple(
            _person(users[i], comms_ids) for i in content.get("peer_reviewer_ids", []) if i in users
        ),
        information_contact=_person(users.get(content.get("information_contact_id")), comms_ids),
        neutrality_confirmed=bool(content.get("neutrality_confirmed")),
        proposer=_person(proposer, comms_ids),
    )


def policy_report(
    content: dict[str, Any], proposer: User | None, signoffs: list[SignoffFact] | None = None
) -> list[RuleResult]:
    """Every rule's result. With ``signoffs`` (the live approvals) SMP-APPROVALS is included."""
    view = rules_view(content, proposer)
    if signoffs is None:
        return check(view, agency())
    return check(replace(view, signoffs=tuple(signoffs)), agency(), RULES)
