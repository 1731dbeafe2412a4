from flask import Blueprint, render_template
from flask_login import current_user, login_required

from registry.auth.offices import offices_held

blueprint = Blueprint("dashboard", __name__)


@blueprint.route("/")
@login_required
def home():
    return render_template("dashboard/home.html", appointments=offices_held(current_user))
