from flask import Blueprint, render_template
from flask_login import current_user, login_required

from registry.auth.offices import offices_held
from registry.proposals.models import ProposalState
from registry.proposals.services import proposals_of
from registry.signoffs import services as signoffs

blueprint = Blueprint("dashboard", __name__)

OPEN_STATES = {ProposalState.DRAFT, ProposalState.CHANGES_REQUESTED, ProposalState.AWAITING_SIGNOFF}


@blueprint.route("/")
@login_required
def home():
    user = current_user._get_current_object()
    awaiting = signoffs.awaiting_for(user)
    return render_template(
        "dashboard/home.html",
        appointments=offices_held(user),
        my_open=[p for p in proposals_of(user) if p.state_enum in OPEN_STATES],
        awaiting=[(p, signoffs.describe_wait(p.submitted_at)) for p in awaiting],
    )
