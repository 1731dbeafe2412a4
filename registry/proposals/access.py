"""Who may see, edit and propose which proposals, and the proposals a person made."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from registry.auth.models import Office, User
from registry.auth.offices import offices_held
from registry.errors import ForbiddenError, NotFoundError
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState


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


def load_proposal(proposal_id: int, actor: User, *, to_edit: bool = False) -> Proposal:
    """The one loader for a proposal: 404 when it does not exist or ``actor`` may not see it
    (the same answer, so an id reveals nothing); 403 when ``to_edit`` and it is not theirs."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not can_view(actor, proposal):
        raise NotFoundError(_("There is no such proposal, or it is not one you can see."))
    if to_edit and not can_edit(actor, proposal):
        raise ForbiddenError(_("Only the person who proposed it can change this proposal."))
    return proposal


def proposable_unit_ids(user: User) -> list[int] | None:
    """Units ``user`` may propose for; None means any (Communications team, admins)."""
    if _offices(user) & {Office.COMMUNICATIONS_TEAM, Office.ADMIN}:
        return None
    return [user.business_unit_id] if user.business_unit_id else []


def proposals_of(user: User) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.proposer_id == user.id)
            .order_by(Proposal.updated_at.desc())
        ).unique()
    )
