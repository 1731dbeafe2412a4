from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import func, select

from registry.auth.models import BusinessUnit
from registry.auth.offices import agency_today, offices_held
from registry.auth.permissions import current_actor
from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory import access as inventory_access
from registry.inventory import import_batches
from registry.inventory import reminders as inventory_reminders
from registry.policy.platforms import PLATFORMS
from registry.proposals.access import proposals_of
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs import waiting as signoff_waiting

blueprint = Blueprint("dashboard", __name__)

OPEN_STATES = {ProposalState.DRAFT, ProposalState.CHANGES_REQUESTED, ProposalState.AWAITING_SIGNOFF}


def _inventory_summary(scope: list[int] | None) -> dict:
    """Counts by state, unit and platform, and the reviews needing attention: few queries."""

    def scoped(query):  # noqa: ANN001, ANN202
        return query if scope is None else query.where(Channel.business_unit_id.in_(scope))

    by_state = dict(
        db.session.execute(
            scoped(select(Channel.state, func.count()).group_by(Channel.state))
        ).all()
    )
    by_unit = db.session.execute(
        scoped(
            select(BusinessUnit.name, func.count())
            .join(Channel, Channel.business_unit_id == BusinessUnit.id)
            .where(Channel.state != "decommissioned")
            .group_by(BusinessUnit.name)
            .order_by(BusinessUnit.name)
        )
    ).all()
    by_platform = db.session.execute(
        scoped(
            select(Channel.platform, func.count())
            .where(Channel.state != "decommissioned")
            .group_by(Channel.platform)
            .order_by(func.count().desc())
        )
    ).all()
    attention = [
        c
        for c in inventory_reminders.reviews_needing_attention()
        if scope is None or c.business_unit_id in scope
    ]
    waiting = (
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.state == ProposalState.AWAITING_SIGNOFF.value,
                *([Proposal.business_unit_id.in_(scope)] if scope is not None else []),
            )
            .order_by(Proposal.submitted_at)
            .limit(5)
        )
        .unique()
        .all()
    )
    return {
        "by_state": by_state,
        "by_unit": by_unit,
        "by_platform": [(PLATFORMS.get(p, p), n) for p, n in by_platform],
        "overdue": [c for c in attention if c.review_due < agency_today()],
        "due_soon": [c for c in attention if c.review_due >= agency_today()],
        "waiting": [(p, signoff_waiting.describe_wait(p.submitted_at)) for p in waiting],
    }


@blueprint.route("/")
@login_required
def home():
    user = current_actor()
    awaiting = signoff_waiting.awaiting_for(user)
    summary = (
        _inventory_summary(inventory_access.inventory_scope(user))
        if inventory_access.sees_inventory(user)
        else None
    )
    from registry.elections.services import ELECTION_GUIDANCE, current_election_period
    from registry.oia import services as oia

    requests = oia.requests_needing_attention(user)
    return render_template(
        "dashboard/home.html",
        election_period=current_election_period(),
        election_guidance=ELECTION_GUIDANCE,
        information_requests=[(r, oia.status_of(r)) for r in requests],
        appointments=offices_held(user),
        my_open=[p for p in proposals_of(user) if p.state_enum in OPEN_STATES],
        awaiting=[(p, signoff_waiting.describe_wait(p.submitted_at)) for p in awaiting],
        imports_waiting=import_batches.waiting_for(user),
        summary=summary,
    )
