"""Sign-off: the Manager Communications, the unit's DCE and the Chief Executive each give
express permission — once each, three different people, none of them the proposer, all on
the exact revision they read (SMP-APPROVALS)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry import notifications
from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import holders, offices_held
from registry.database import begin_write
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.policy.content import SignoffFact
from registry.proposals import services as proposal_services
from registry.proposals.models import Proposal, ProposalState
from registry.proposals.workflow import Action, next_state
from registry.signals import proposal_approved
from registry.signoffs.channel_url import refuse_unusable_channel_url
from registry.signoffs.models import SIGNING_OFFICES, Decision, Signoff
from registry.timeutil import utcnow


@dataclass(frozen=True)
class Capacity:
    office: Office
    acting: bool
    business_unit_id: int | None
    label: str


@dataclass
class Position:
    """What ``user`` may do on ``proposal`` now, and if not, why — in words for the page."""

    approve_as: list[Capacity]
    can_comment: bool  # request changes or decline
    reasons: list[str]


def office_title(office: Office, proposal: Proposal) -> str:
    if office is Office.DCE:
        return _("Deputy Chief Executive, %(unit)s", unit=proposal.business_unit.name)
    return office.title


def capacities(user: User, proposal: Proposal, at: datetime | None = None) -> list[Capacity]:
    """The signing offices ``user`` holds for ``proposal`` at ``at`` (substantive first)."""
    found: dict[Office, Capacity] = {}
    for appointment in offices_held(user, at):
        office = appointment.office_enum
        if office not in SIGNING_OFFICES:
            continue
        if office is Office.DCE and appointment.business_unit_id != proposal.business_unit_id:
            continue
        if office in found and not found[office].acting:
            continue
        found[office] = Capacity(
            office, appointment.acting, appointment.business_unit_id, appointment.capacity
        )
    return [found[o] for o in SIGNING_OFFICES if o in found]


def live_approvals(proposal: Proposal) -> list[Signoff]:
    """Approvals that count: not void, on the current revision."""
    return live_approvals_of([proposal])[proposal.id]


def live_approvals_of(proposals: Sequence[Proposal]) -> dict[int, list[Signoff]]:
    """``live_approvals`` of each proposal (by id), from one statement however many there
    are: a queue of fifty proposals is one query, not fifty."""
    by_id = {p.id: p for p in proposals}
    approvals: dict[int, list[Signoff]] = {proposal_id: [] for proposal_id in by_id}
    if not by_id:
        return approvals
    signoffs = db.session.scalars(
        select(Signoff)
        .where(
            Signoff.proposal_id.in_(by_id),
            Signoff.decision == Decision.APPROVE.value,
            Signoff.void.is_(False),
        )
        .order_by(Signoff.signed_at, Signoff.id)
    ).unique()
    for signoff in signoffs:
        approvals[signoff.proposal_id].append(signoff)
    return {
        proposal_id: live_among(by_id[proposal_id], found)
        for proposal_id, found in approvals.items()
    }


def live_among(proposal: Proposal, signoffs: Iterable[Signoff]) -> list[Signoff]:
    """Of ``signoffs`` (e.g. the proposal's history), the approvals that count: not void,
    and bound to the current revision as signed (an approval of an earlier one does not)."""
    revision = proposal.current_revision
    return [
        s
        for s in signoffs
        if s.decision == Decision.APPROVE.value
        and not s.void
        and s.revision_number == revision.number
        and s.content_sha256 == revision.content_sha256
    ]


def history(proposal: Proposal) -> list[Signoff]:
    """Every decision on the proposal, oldest first (a page derives the live approvals and
    the open change request from it rather than asking again)."""
    return list(
        db.session.scalars(
            select(Signoff)
            .where(Signoff.proposal_id == proposal.id)
            # Append order: two decisions in the same second still read in the order made.
            .order_by(Signoff.id)
        ).unique()
    )


def signoff_facts(approvals: list[Signoff]) -> list[SignoffFact]:
    return [
        SignoffFact(
            office=s.office,
            signer_id=s.signer_id,
            signer_name=s.signer.display_name,
            acting=s.acting,
            business_unit_id=s.business_unit_id,
        )
        for s in approvals
    ]


def who_can_sign(office: Office, proposal: Proposal, exclude: set[int]) -> list[str]:
    unit_id = proposal.business_unit_id if office is Office.DCE else None
    return [
        _("%(name)s (acting)", name=a.user.display_name) if a.acting else a.user.display_name
        for a in holders(office, None, unit_id)
        if a.user_id not in exclude
    ]


def position(user: User, proposal: Proposal, approvals: list[Signoff] | None = None) -> Position:
    """What ``user`` may do on ``proposal`` now, and why not; ``approvals`` are its live
    approvals when the caller has them already (the queue reads them for every proposal)."""
    reasons: list[str] = []
    if proposal.state_enum is not ProposalState.AWAITING_SIGNOFF:
        state = proposal.state_enum.label.lower()
        return Position([], False, [_("It is %(state)s, not awaiting sign-off.", state=state)])
    if user.id == proposal.proposer_id:
        return Position(
            [],
            False,
            [_("You proposed this channel, so you cannot sign it off in any capacity.")],
        )
    held = capacities(user, proposal)
    if not held:
        reason = _(
            "You do not hold an office that signs off this proposal: the Manager "
            "Communications, the Deputy Chief Executive of %(unit)s, or the Chief Executive.",
            unit=proposal.business_unit.name,
        )
        if any(a.office_enum is Office.ADMIN for a in offices_held(user)):
            reason += " " + _("Being a registry administrator gives no sign-off power.")
        return Position([], False, [reason])

    approvals = live_approvals(proposal) if approvals is None else approvals
    signed = {s.office_enum: s for s in approvals}
    mine = [s for s in approvals if s.signer_id == user.id]
    signers = {s.signer_id for s in approvals} | {proposal.proposer_id}
    if mine:
        remaining = [o for o in SIGNING_OFFICES if o not in signed]
        capacity = mine[0].capacity
        reason = _("You have already signed off this revision as %(capacity)s.", capacity=capacity)
        if remaining:
            nobody = _("nobody holds this office now")
            needs = "; ".join(
                f"{office_title(o, proposal)}: "
                + (", ".join(who_can_sign(o, proposal, signers)) or nobody)
                for o in remaining
            )
            reason += " " + _(
                "One person cannot give two of the three sign-offs, so the rest must come from "
                "someone else — %(needs)s.",
                needs=needs,
            )
        reasons.append(reason)
        return Position([], True, reasons)
    open_capacities = [c for c in held if c.office not in signed]
    for capacity in held:
        if capacity.office in signed:
            other = signed[capacity.office]
            reasons.append(
                _(
                    "%(capacity)s has already signed off, by %(name)s.",
                    capacity=other.capacity,
                    name=other.signer.display_name,
                )
            )
    return Position(open_capacities, True, reasons if not open_capacities else [])


def still_needed(proposal: Proposal) -> list[User]:
    """People who could give a sign-off that is still missing."""
    approvals = live_approvals(proposal)
    signed = {s.office_enum for s in approvals}
    exclude = {s.signer_id for s in approvals} | {proposal.proposer_id}
    people: dict[int, User] = {}
    for office in SIGNING_OFFICES:
        if office in signed:
            continue
        unit_id = proposal.business_unit_id if office is Office.DCE else None
        for appointment in holders(office, None, unit_id):
            if appointment.user_id not in exclude:
                people[appointment.user_id] = appointment.user
    return list(people.values())


def notify_submitted(proposal: Proposal) -> None:
    link = notifications.link(f"/proposals/{proposal.id}/signoff")
    notifications.send(
        still_needed(proposal),
        f"Sign-off needed: {proposal.title} ({proposal.reference})",
        f"{proposal.proposer.display_name} of {proposal.business_unit.name} has submitted "
        f"{proposal.title} for sign-off under the Social Media Policy.\n\n"
        f"Review it and decide: {link}\n",
    )


def decide(
    proposal_id: int,
    actor: User,
    decision: Decision,
    office: Office | None,
    comment: str,
    revision_number: int | None,
    content_sha256: str | None,
) -> Signoff:
    """Record a decision. Raises ConflictError (409) for the wrong state, a replay or a race,
    ForbiddenError (403) for separation of duties, RegistryError for a missing comment."""
    comment = comment.strip()
    if decision is not Decision.APPROVE and not comment:
        raise RegistryError(
            _("Say what needs to change.")
            if decision is Decision.REQUEST_CHANGES
            else _("Give the reason for declining: the proposer will see it."),
            "comment",
        )
    begin_write()
    proposal = proposal_services.locked(proposal_id)
    approvals = live_approvals(proposal)
    if decision is Decision.APPROVE:
        last = len({s.office for s in approvals}) == len(SIGNING_OFFICES) - 1
        action = Action.APPROVE if last else Action.SIGN
    else:
        action = Action.REQUEST_CHANGES if decision is Decision.REQUEST_CHANGES else Action.DECLINE
    new_state = next_state(proposal.state_enum, action)

    revision = proposal.current_revision
    if revision_number != revision.number or content_sha256 != revision.content_sha256:
        raise ConflictError(
            _(
                "Revision %(number)s replaced the revision you were reading; read the "
                "changes, then decide again. Your comment is kept below.",
                number=revision.number,
            )
        )
    where = position(actor, proposal)
    if decision is Decision.APPROVE:
        chosen = next((c for c in where.approve_as if c.office is office), None)
        if chosen is None:
            if any(s.signer_id == actor.id for s in approvals) or any(
                s.office_enum is office for s in approvals
            ):
                raise ConflictError(" ".join(where.reasons) or _("That sign-off is already given."))
            raise ForbiddenError(
                " ".join(where.reasons) or _("You cannot sign off in that capacity.")
            )
        refuse_unusable_channel_url(proposal, revision.content)
    else:
        if not where.can_comment:
            raise ForbiddenError(" ".join(where.reasons))
        held = capacities(actor, proposal)
        chosen = next((c for c in held if c.office is office), held[0])

    signoff = Signoff(
        proposal_id=proposal.id,
        revision_number=revision.number,
        content_sha256=revision.content_sha256,
        decision=decision.value,
        office=chosen.office.value,
        business_unit_id=chosen.business_unit_id,
        acting=chosen.acting,
        capacity=chosen.label,
        signer_id=actor.id,
        comment=comment[:5000],
        signed_at=utcnow(),
    )
    db.session.add(signoff)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(
            _(
                "%(office)s was signed off by someone else a moment ago. Reload the proposal "
                "to see who.",
                office=office_title(chosen.office, proposal),
            )
        ) from None
    before = proposal.state
    proposal.state = new_state.value
    proposal.version += 1
    record(
        f"signoff-{decision.value}",
        "proposal",
        proposal.reference,
        actor=actor,
        before={"state": before},
        after={"state": proposal.state},
        capacity=chosen.label,
        revision=revision.number,
        sha256=revision.content_sha256,
        comment=comment[:500],
    )
    if new_state is ProposalState.APPROVED:
        proposal.approved_at = signoff.signed_at
        # After the sign-off's row, so the log reads in causal order. Same transaction: an
        # approved proposal always has its channel (the inventory) and its charter job (the
        # charters package queues it; a worker renders it).
        proposal_approved.send(proposal)
    _notify_decision(proposal, signoff)
    db.session.commit()
    return signoff


def _notify_decision(proposal: Proposal, signoff: Signoff) -> None:
    link = notifications.link(f"/proposals/{proposal.id}")
    decision = signoff.decision_enum
    who = f"{signoff.signer.display_name} ({signoff.capacity})"
    if proposal.state_enum is ProposalState.APPROVED:
        liaison_id = proposal.current_revision.content.get("liaison_id")
        liaison = db.session.get(User, liaison_id) if liaison_id else None
        notifications.send(
            [proposal.proposer, liaison],
            f"Approved: {proposal.title} ({proposal.reference})",
            f"{proposal.title} has all three sign-offs and is approved. The last was given by "
            f"{who}.\n\n{link}\n",
        )
        return
    if decision is Decision.APPROVE:
        subject = f"Signed off by {signoff.capacity}: {proposal.title}"
        body = f"{who} signed off {proposal.title}.\n\n{link}\n"
    elif decision is Decision.REQUEST_CHANGES:
        subject = f"Changes requested by {signoff.signer.display_name}: {proposal.title}"
        body = (
            f"{who} asked for changes to {proposal.title}:\n\n{signoff.comment}\n\n"
            f"Edit the proposal and submit it again: {link}\n"
        )
    else:
        subject = f"Declined: {proposal.title}"
        body = f"{who} declined {proposal.title}:\n\n{signoff.comment}\n\n{link}\n"
    notifications.send([proposal.proposer], subject, body)


def void_for_new_revision(proposal: Proposal, old_number: int, new_number: int) -> list[Signoff]:
    """Void every live approval when a submitted revision is replaced (caller commits)."""
    voided = list(
        db.session.scalars(
            select(Signoff).where(
                Signoff.proposal_id == proposal.id,
                Signoff.decision == Decision.APPROVE.value,
                Signoff.void.is_(False),
            )
        ).unique()
    )
    now = utcnow()
    for signoff in voided:
        signoff.void = True
        signoff.voided_at = now
        signoff.void_reason = f"Revision {old_number} was replaced by revision {new_number}."
    return voided


def notify_voided(proposal: Proposal, voided: list[Signoff]) -> None:
    if not voided:
        return
    link = notifications.link(f"/proposals/{proposal.id}")
    notifications.send(
        [s.signer for s in voided],
        f"Your sign-off no longer applies: {proposal.title}",
        f"{proposal.proposer.display_name} changed {proposal.title} after you signed it off, "
        "so your sign-off is void. You will be asked again when it is resubmitted.\n\n"
        f"{link}\n",
    )
