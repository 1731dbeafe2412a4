"""The administrators' page that records election periods."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from registry.auth.models import Office
from registry.auth.offices import agency_today
from registry.auth.permissions import current_actor, office_required
from registry.elections import services
from registry.elections.forms import ElectionPeriodForm
from registry.forms import redisplay_on_refusal

blueprint = Blueprint("elections", __name__)


@blueprint.route("/admin/election-periods", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def election_periods():
    form = ElectionPeriodForm()
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            period = services.create_election_period(
                form.name.data,
                form.starts_on.data,
                form.ends_on.data,
                current_actor(),
            )
        if not refusal:
            flash(_("Recorded %(name)s.", name=period.name), "success")
            return redirect(url_for("elections.election_periods"))
    return render_template(
        "elections/periods.html",
        form=form,
        periods=services.election_periods(),
        today=agency_today(),
    )
