from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from registry.auth.models import Office
from registry.auth.offices import agency_today, holds, offices_held
from registry.auth.permissions import current_actor
from registry.extensions import db
from registry.inventory import access as inventory_access
from registry.inventory import checklist, import_batches
from registry.inventory import reminders as review_reminders
from registry.inventory.summary import inventory_summary
from registry.proposals.access import proposals_of
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs import waiting as signoff_waiting

blueprint = Blueprint("dashboard", __name__)

OPEN_STATES = {ProposalState.DRAFT, ProposalState.CHANGES_REQUESTED, ProposalState.AWAITING_SIGNOFF}


def _waiting_longest(scope: list[int] | None) -> list[tuple[Proposal, str]]:
    """The five proposals in ``scope`` waiting longest for sign-off, with how long."""
    waiting = db.session.scalars(
        select(Proposal)
        .where(
            Proposal.state == ProposalState.AWAITING_SIGNOFF.value,
            *([Proposal.business_unit_id.in_(scope)] if scope is not None else []),
        )
        .order_by(Proposal.submitted_at)
        .limit(5)
    ).unique()
    return [(p, signoff_waiting.describe_wait(p.submitted_at)) for p in waiting]


@blueprint.route("/")
@login_required
def home():
    user = current_actor()
    awaiting = signoff_waiting.awaiting_for(user)
    scope = inventory_access.inventory_scope(user) if inventory_access.sees_inventory(user) else []
    from registry.elections.services import ELECTION_GUIDANCE, current_election_period
    from registry.oia import services as oia

    requests = oia.requests_needing_attention(user)
    from registry.checks import flags as checks

    flagged = checks.open_flags(None) if inventory_access.is_comms(user) else []
    return render_template(
        "dashboard/home.html",
        election_period=current_election_period(),
        election_guidance=ELECTION_GUIDANCE,
        information_requests=[(r, oia.status_of(r)) for r in requests],
        appointments=offices_held(user),
        my_open=[p for p in proposals_of(user) if p.state_enum in OPEN_STATES],
        awaiting=[(p, signoff_waiting.describe_wait(p.submitted_at)) for p, _ in awaiting],
        imports_waiting=import_batches.waiting_for(user),
        today=agency_today(),
        attestations_waiting=review_reminders.waiting_for(user),
        # Overdue reviews escalate to whoever holds the office today, acting included.
        reviews_escalated=review_reminders.overdue_reviews()
        if holds(user, Office.MANAGER_COMMUNICATIONS)
        else [],
        summary=inventory_summary(scope) if scope != [] else None,
        waiting_longest=_waiting_longest(scope) if scope != [] else [],
        # Closing a channel is the Communications team's work: they see what is left.
        still_closing=checklist.still_closing() if inventory_access.is_comms(user) else [],
        closing_total=len(checklist.ITEMS),
        channel_flags=[(f, checks.finding_sentence(f.kind, f.seen)) for f in flagged],
    )
