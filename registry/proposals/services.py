"""Proposals: create, save (in revisions), check against the policy, submit, withdraw.

Views call these with plain values; each function owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import offices_held
from registry.channels.models import Channel, ChannelState
from registry.channels.queries import handle_taken_by_channel
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.policy.content import (
    Agency,
    MonitoringWindow,
    Person,
    ProposalContent,
    RelatedChannel,
    SignoffFact,
)
from registry.policy.platforms import normalise_handle
from registry.policy.rules import RULES, RuleResult, check, failing
from registry.proposals.models import (
    CLAIMING_STATES,
    Proposal,
    ProposalRevision,
    ProposalState,
    content_hash,
)
from registry.proposals.workflow import Action, next_state
from registry.signals import (
    proposal_submitted,
    proposal_submitting,
    revision_superseded,
    values_from,
)
from registry.timeutil import utcnow

TEXT_FIELDS = (
    "channel_name",
    "platform",
    "platform_other",
    "handle",
    "channel_url",
    "purpose",
    "audience",
    "terms_of_use",
    "out_of_hours_message",
    "profile_statement",
    "no_related_reason",
)
LIST_FIELDS = (
    "languages",
    "profile_links",
    "related_channel_ids",
    "spokespeople_ids",
    "peer_reviewer_ids",
)


def empty_content(business_unit_id: int | None) -> dict[str, Any]:
    content: dict[str, Any] = {name: "" for name in TEXT_FIELDS}
    content.update({name: [] for name in LIST_FIELDS})
    content.update(
        business_unit_id=business_unit_id,
        monitoring_windows=[],
        liaison_id=None,
        information_contact_id=None,
        neutrality_confirmed=False,
    )
    return content


class SubmitRefused(ConflictError):
    """A receiver of ``signals.proposal_submitting`` refused: something on the proposal's
    page must be answered first (the view sends the proposer there)."""


class StaleEditError(ConflictError):
    """Someone saved the proposal after this form was loaded."""

    heading = "This proposal changed while you were editing"

    def __init__(self, proposal: Proposal, saved_content: dict[str, Any]) -> None:
        super().__init__(
            f"{proposal.title} was changed by someone else (or in another tab) after you "
            "opened it. Your changes are below, beside the saved version: check both, then "
            "save again to keep yours."
        )
        self.proposal = proposal
        self.saved_content = saved_content


class VersionMissing(StaleEditError):
    """The request did not say which version it was made from: it might overwrite a newer one.

    Refused like a stale edit (shown beside the saved version), never taken as "the latest".
    """

    heading = "We could not tell which version you were editing"

    def __init__(self, proposal: Proposal, saved_content: dict[str, Any]) -> None:
        super().__init__(proposal, saved_content)
        self.message = (
            f"The form did not say which version of {proposal.title} it was opened from, so "
            "saving it could overwrite someone else's changes. Nothing was saved. Your changes "
            "are below, beside the saved version: check both, then save again to keep yours."
        )
        self.args = (self.message,)


class PolicyNotMet(RegistryError):
    def __init__(self, results: list[RuleResult]) -> None:
        ids = ", ".join(r.rule.id for r in results)
        super().__init__(f"This proposal cannot be submitted until these rules pass: {ids}.")
        self.results = results


def agency() -> Agency:
    config = current_app.config
    return Agency(
        name=config["AGENCY_NAME"],
        te_reo_name=config["AGENCY_TE_REO_NAME"],
        domain=config["AGENCY_DOMAIN"],
        timezone=config["AGENCY_TIMEZONE"],
    )


# --- who may do what ------------------------------------------------------------------


def _offices(user: User) -> set[Office]:
    return {a.office_enum for a in offices_held(user)}


def can_view(user: User, proposal: Proposal) -> bool:
    """Proposer, Communications team and admins always; signatories once it is submitted."""
    if user.id == proposal.proposer_id:
        return True
    held = offices_held(user)
    kinds = {a.office_enum for a in held}
    if kinds & {Office.COMMUNICATIONS_TEAM, Office.ADMIN}:
        return True
    if proposal.state_enum is ProposalState.DRAFT:
        return False
    if kinds & {Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE}:
        return True
    return any(
        a.office_enum is Office.DCE and a.business_unit_id == proposal.business_unit_id
        for a in held
    )


def can_edit(user: User, proposal: Proposal) -> bool:
    return user.id == proposal.proposer_id


def proposable_unit_ids(user: User) -> list[int] | None:
    """Units ``user`` may propose for; None means any (Communications team, admins)."""
    if _offices(user) & {Office.COMMUNICATIONS_TEAM, Office.ADMIN}:
        return None
    return [user.business_unit_id] if user.business_unit_id else []


# --- building what the rules see -----------------------------------------------------


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
    users = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_(person_ids))).unique()
    }
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


# --- changes ---------------------------------------------------------------------------


def _handle_clash(
    platform: str, handle: str, exclude_id: int | None, own_channel_id: int | None = None
) -> str | None:
    """Why ``handle`` cannot be proposed on ``platform``, naming who has it; None if free."""
    key = normalise_handle(platform, handle) if handle.strip() else ""
    if not key or not platform:
        return None
    channel = handle_taken_by_channel(platform, handle, own_channel_id)
    if channel is not None:
        return (
            f"{handle.strip()} on this platform is already the agency's channel "
            f"{channel.reference} “{channel.name}” ({channel.state_enum.label.lower()}, "
            f"{channel.business_unit.name}). Choose another handle, or start a change to that "
            "channel from its page."
        )
    query = select(Proposal).where(
        Proposal.platform == platform,
        Proposal.handle_key == key,
        Proposal.state.in_([s.value for s in CLAIMING_STATES]),
    )
    if exclude_id is not None:
        query = query.where(Proposal.id != exclude_id)
    other = db.session.scalars(query).first()
    if other is None:
        return None
    return (
        f"{handle.strip()} on this platform is already claimed by {other.reference} "
        f"“{other.title}” ({other.state_enum.label.lower()}, {other.business_unit.name}). "
        "Choose another handle, or talk to the Communications team about that proposal."
    )


def _check_unit(actor: User, content: dict[str, Any]) -> None:
    allowed = proposable_unit_ids(actor)
    unit_id = content.get("business_unit_id")
    if unit_id is None:
        raise RegistryError("Choose the business unit proposing this channel.", "business_unit")
    if allowed is not None and unit_id not in allowed:
        raise RegistryError(
            "You can propose channels only for your own business unit.", "business_unit"
        )


def apply_columns(proposal: Proposal, content: dict[str, Any]) -> None:
    proposal.channel_name = content.get("channel_name", "")[:200]
    proposal.platform = content.get("platform", "")
    proposal.handle = content.get("handle", "")[:200]
    handle = proposal.handle.strip()
    proposal.handle_key = normalise_handle(proposal.platform, handle)[:200] if handle else ""
    proposal.business_unit_id = content["business_unit_id"]
    proposal.updated_at = utcnow()


def _flush_or_clash(proposal: Proposal, content: dict[str, Any]) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        # Someone claimed the handle between our check and our write.
        db.session.rollback()
        raise RegistryError(
            _handle_clash(content.get("platform", ""), content.get("handle", ""), proposal.id)
            or "That handle was just claimed by another proposal. Choose another handle.",
            "handle",
        ) from None


def new_draft(proposer: User, content: dict[str, Any], channel_id: int | None = None) -> Proposal:
    """A draft at revision 1 holding ``content``, added to the session (caller flushes)."""
    proposal = Proposal(
        proposer=proposer, state=ProposalState.DRAFT.value, version=1, channel_id=channel_id
    )
    apply_columns(proposal, content)
    revision = ProposalRevision(number=1, created_by=proposer)
    revision.set_content(content)
    proposal.revisions.append(revision)
    db.session.add(proposal)
    return proposal


def create_proposal(proposer: User, content: dict[str, Any]) -> Proposal:
    begin_write()
    _check_unit(proposer, content)
    clash = _handle_clash(content.get("platform", ""), content.get("handle", ""), None)
    if clash:
        raise RegistryError(clash, "handle")
    proposal = new_draft(proposer, content)
    _flush_or_clash(proposal, content)
    record(
        "proposal-created",
        "proposal",
        proposal.reference,
        actor=proposer,
        after={
            "channel": proposal.channel_name,
            "revision": 1,
            "sha256": proposal.current_revision.content_sha256,
        },
    )
    db.session.commit()
    return proposal


def locked(proposal_id: int) -> Proposal:
    """The proposal, read fresh and locked for this transaction."""
    proposal = locked_row(Proposal, proposal_id)
    if proposal is None:
        raise RegistryError("That proposal does not exist.")
    return proposal


def _check_version(proposal: Proposal, expected_version: int | None) -> None:
    """Refuse a change made from an older version of the proposal, or from no known version."""
    if expected_version is None:
        raise VersionMissing(proposal, proposal.current_revision.content)
    if expected_version != proposal.version:
        raise StaleEditError(proposal, proposal.current_revision.content)


@dataclass
class SaveResult:
    proposal: Proposal
    new_revision: bool


def save_proposal(
    proposal_id: int, actor: User, content: dict[str, Any], expected_version: int | None
) -> SaveResult:
    """Save the proposer's edit. A submitted revision is never changed: a new one is made."""
    begin_write()
    proposal = locked(proposal_id)
    if not can_edit(actor, proposal):
        raise ForbiddenError("Only the proposer can edit this proposal.")
    new_state = next_state(proposal.state_enum, Action.SAVE)
    _check_version(proposal, expected_version)
    _check_unit(actor, content)
    clash = _handle_clash(
        content.get("platform", ""), content.get("handle", ""), proposal.id, proposal.channel_id
    )
    if clash:
        raise RegistryError(clash, "handle")
    current = proposal.current_revision
    if content_hash(content) == current.content_sha256:
        return SaveResult(proposal, new_revision=False)  # nothing changed: no new version
    new_revision = current.submitted
    voided = []
    if new_revision:
        revision = ProposalRevision(number=current.number + 1, created_by=actor)
        revision.set_content(content)
        proposal.revisions.append(revision)
        # Sign-offs void what was given on the revision replaced and tell the signers.
        voided = [
            signoff
            for found in values_from(
                revision_superseded,
                proposal,
                old_number=current.number,
                new_number=revision.number,
            )
            for signoff in found
        ]
    else:
        current.set_content(content)
        revision = current
    before_state = proposal.state
    proposal.state = new_state.value
    proposal.version += 1
    apply_columns(proposal, content)
    _flush_or_clash(proposal, content)
    record(
        "proposal-saved",
        "proposal",
        proposal.reference,
        actor=actor,
        before={"state": before_state, "sha256": current.content_sha256},
        after={
            "state": proposal.state,
            "revision": revision.number,
            "sha256": revision.content_sha256,
        },
        voided_signoffs=[s.capacity for s in voided],
    )
    db.session.commit()
    return SaveResult(proposal, new_revision)


def submit_proposal(proposal_id: int, actor: User, expected_version: int | None) -> Proposal:
    begin_write()
    proposal = locked(proposal_id)
    if not can_edit(actor, proposal):
        raise ForbiddenError("Only the proposer can submit this proposal.")
    new_state = next_state(proposal.state_enum, Action.SUBMIT)
    _check_version(proposal, expected_version)
    # Sign-offs refuse a resubmission that ignores an open request for changes.
    proposal_submitting.send(proposal)
    revision = proposal.current_revision
    results = failing(policy_report(revision.content, proposal.proposer))
    if results:
        raise PolicyNotMet(results)
    now = utcnow()
    revision.submitted = True
    revision.submitted_at = now
    proposal.state = new_state.value
    proposal.submitted_at = now
    proposal.version += 1
    record(
        "proposal-submitted",
        "proposal",
        proposal.reference,
        actor=actor,
        after={
            "state": proposal.state,
            "revision": revision.number,
            "sha256": revision.content_sha256,
        },
    )
    proposal_submitted.send(proposal)  # the signatories are told, with the submission
    db.session.commit()
    return proposal


def withdraw_proposal(
    proposal_id: int, actor: User, expected_version: int | None, reason: str = ""
) -> Proposal:
    begin_write()
    proposal = locked(proposal_id)
    if not can_edit(actor, proposal):
        raise ForbiddenError("Only the proposer can withdraw this proposal.")
    new_state = next_state(proposal.state_enum, Action.WITHDRAW)
    _check_version(proposal, expected_version)
    before = proposal.state
    proposal.state = new_state.value
    proposal.version += 1
    record(
        "proposal-withdrawn",
        "proposal",
        proposal.reference,
        actor=actor,
        before={"state": before},
        after={"state": proposal.state},
        reason=reason[:2000],
    )
    db.session.commit()
    return proposal


def proposals_of(user: User) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.proposer_id == user.id)
            .order_by(Proposal.updated_at.desc())
        ).unique()
    )
