"""Answering a change request: the proposer edits (a new revision) or replies to the comment
before resubmitting, so a signatory is never asked to read the same thing again unanswered."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from registry import notifications
from registry.audit.log import record
from registry.auth.models import User
from registry.database import begin_write
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import clean_text
from registry.proposals import access as proposal_access
from registry.proposals import services as proposal_services
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs import services
from registry.signoffs.models import ChangeReply, Decision, Signoff
from registry.timeutil import utcnow

REPLY_MAX = 5000


class ResubmitUnchanged(proposal_services.SubmitRefused):
    """Submitting again exactly what a signatory asked to be changed, with no answer."""

    def __init__(self, request: Signoff) -> None:
        super().__init__(
            _(
                "%(capacity)s asked for changes to revision %(number)s and nothing has changed "
                "since. Edit the proposal, or reply to the comment to explain why it should "
                "stand, before submitting it again.",
                capacity=request.capacity,
                number=request.revision_number,
            )
        )
        self.request = request


def open_change_request(proposal: Proposal, history: list[Signoff] | None = None) -> Signoff | None:
    """The latest "Request changes" not yet followed by a resubmission, if any; from
    ``history`` (every decision, oldest first) when the caller has read it already."""
    if proposal.state_enum not in (ProposalState.CHANGES_REQUESTED, ProposalState.DRAFT):
        return None
    requests = [
        s
        for s in (services.history(proposal) if history is None else history)
        if s.decision == Decision.REQUEST_CHANGES.value
    ]
    latest = max(requests, key=lambda s: (s.signed_at, s.id), default=None)
    if latest is None:
        return None
    # A resubmission after the request closes it (submitted_at moves past it).
    if proposal.submitted_at is not None and proposal.submitted_at > latest.signed_at:
        return None
    return latest


def replies_by_request(proposal: Proposal) -> dict[int, list[ChangeReply]]:
    """Every reply on ``proposal``, keyed by the change request it answers."""
    found: dict[int, list[ChangeReply]] = {}
    for reply in db.session.scalars(
        select(ChangeReply)
        .where(ChangeReply.proposal_id == proposal.id)
        .order_by(ChangeReply.created_at, ChangeReply.id)
    ).unique():
        found.setdefault(reply.signoff_id, []).append(reply)
    return found


def _answered(request: Signoff) -> bool:
    return (
        db.session.scalar(select(ChangeReply.id).where(ChangeReply.signoff_id == request.id))
        is not None
    )


def check_resubmission(proposal: Proposal) -> None:
    """Raise ResubmitUnchanged if the content a signatory asked to change comes back as it
    was and the proposer has not replied to the request (called on submit)."""
    request = open_change_request(proposal)
    if request is None:
        return
    if proposal.current_revision.content_sha256 != request.content_sha256:
        return
    if not _answered(request):
        raise ResubmitUnchanged(request)


def check_can_reply(actor: User, proposal: Proposal) -> Signoff:
    """The open change request ``actor`` may reply to; 403 if not the proposer, 409 if none."""
    if not proposal_access.can_edit(actor, proposal):
        raise ForbiddenError(_("Only the proposer can reply to a change request."))
    request = open_change_request(proposal)
    if request is None:
        raise ConflictError(
            _(
                "%(title)s has no open change request to reply to: it is %(state)s. Your reply "
                "was not recorded.",
                title=proposal.title,
                state=proposal.state_enum.label.lower(),
            )
        )
    return request


def reply_to_change_request(proposal_id: int, actor: User, body: str) -> ChangeReply:
    """Record the proposer's reply to the open change request; the signatories see it."""
    text = str(clean_text(body or "")).strip()
    if not text:
        raise RegistryError(
            _("Write your reply to the comment: say what you changed or why it should stand."),
            "body",
        )
    if len(text) > REPLY_MAX:
        raise RegistryError(_("Keep the reply under 5,000 characters."), "body")
    begin_write()
    proposal = proposal_services.locked(proposal_id)
    request = check_can_reply(actor, proposal)
    reply = ChangeReply(
        proposal_id=proposal.id,
        signoff_id=request.id,
        revision_number=proposal.current_revision.number,
        author_id=actor.id,
        body=text,
        created_at=utcnow(),
    )
    db.session.add(reply)
    db.session.flush()
    record(
        "proposal-change-reply",
        "proposal",
        proposal.reference,
        actor=actor,
        answers=request.id,
        capacity=request.capacity,
        revision=reply.revision_number,
        reply=text[:500],
    )
    link = notifications.link(f"/proposals/{proposal.id}/signoff")
    notifications.send(
        [request.signer],
        f"Reply to your change request: {proposal.title}",
        f"{actor.display_name} replied to your request for changes to {proposal.title}:\n\n"
        f"{text}\n\n{link}\n",
    )
    db.session.commit()
    return reply
