"""Proposals: create, save (in revisions), submit, withdraw.

Views call these with plain values; each function owns its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.audit.log import record
from registry.auth.models import User
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.policy.platforms import normalise_handle
from registry.policy.rules import RuleResult, failing
from registry.proposals.access import can_edit, proposable_unit_ids
from registry.proposals.clashes import _flush_or_clash, _handle_clash
from registry.proposals.models import (
    Proposal,
    ProposalRevision,
    ProposalState,
    content_hash,
)
from registry.proposals.policy_view import policy_report
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

    heading = _l("This proposal changed while you were editing")

    def __init__(self, proposal: Proposal, saved_content: dict[str, Any]) -> None:
        super().__init__(
            _(
                "%(title)s was changed by someone else (or in another tab) after you "
                "opened it. Your changes are below, beside the saved version: check both, then "
                "save again to keep yours.",
                title=proposal.title,
            )
        )
        self.proposal = proposal
        self.saved_content = saved_content


class VersionMissing(StaleEditError):
    """The request did not say which version it was made from: it might overwrite a newer one.

    Refused like a stale edit (shown beside the saved version), never taken as "the latest".
    """

    heading = _l("We could not tell which version you were editing")

    def __init__(self, proposal: Proposal, saved_content: dict[str, Any]) -> None:
        super().__init__(proposal, saved_content)
        self.message = _(
            "The form did not say which version of %(title)s it was opened from, so "
            "saving it could overwrite someone else's changes. Nothing was saved. Your changes "
            "are below, beside the saved version: check both, then save again to keep yours.",
            title=proposal.title,
        )
        self.args = (self.message,)


class PolicyNotMet(RegistryError):
    def __init__(self, results: list[RuleResult]) -> None:
        ids = ", ".join(r.rule.id for r in results)
        super().__init__(
            _("This proposal cannot be submitted until these rules pass: %(ids)s.", ids=ids)
        )
        self.results = results


# --- changes ---------------------------------------------------------------------------


def _check_unit(actor: User, content: dict[str, Any]) -> None:
    allowed = proposable_unit_ids(actor)
    unit_id = content.get("business_unit_id")
    if unit_id is None:
        raise RegistryError(_("Choose the business unit proposing this channel."), "business_unit")
    if allowed is not None and unit_id not in allowed:
        raise RegistryError(
            _("You can propose channels only for your own business unit."), "business_unit"
        )


def apply_columns(proposal: Proposal, content: dict[str, Any]) -> None:
    proposal.channel_name = content.get("channel_name", "")[:200]
    proposal.platform = content.get("platform", "")
    proposal.handle = content.get("handle", "")[:200]
    handle = proposal.handle.strip()
    proposal.handle_key = normalise_handle(proposal.platform, handle)[:200] if handle else ""
    proposal.business_unit_id = content["business_unit_id"]
    proposal.updated_at = utcnow()


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
        raise RegistryError(_("That proposal does not exist."))
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
        raise ForbiddenError(_("Only the proposer can edit this proposal."))
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
        raise ForbiddenError(_("Only the proposer can submit this proposal."))
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
        raise ForbiddenError(_("Only the proposer can withdraw this proposal."))
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
