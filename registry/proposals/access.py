"""Who may see, edit and propose which proposals, and the proposals a person made."""

from __future__ import annotations

from sqlalchemy import select

from registry.auth.models import Office, User
from registry.auth.offices import offices_held
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
