"""Information requests: logging one against a channel, and extending, transferring or
answering it."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from registry.auth.models import User
from registry.auth.permissions import current_actor
from registry.errors import RegistryError
from registry.extensions import db
from registry.forms import choices, redisplay_on_refusal
from registry.inventory.access import load_channel
from registry.oia import services
from registry.oia.forms import ExtendForm, InformationRequestForm, RespondForm, TransferForm
from registry.timeutil import format_date

blueprint = Blueprint("oia", __name__)


def _people_choices(blank: str):  # noqa: ANN202
    people = db.session.scalars(
        select(User).where(User.is_active_account).order_by(User.display_name)
    ).unique()
    return choices([("", blank)] + [(u.id, u.display_name) for u in people])


@blueprint.route("/channels/<int:channel_id>/information-requests/new", methods=["GET", "POST"])
@login_required
def new_request(channel_id: int):
    channel = load_channel(channel_id, current_actor())
    if request.method != "POST":
        services.check_may_handle(current_actor(), channel)
    form = InformationRequestForm()
    form.handler.choices = _people_choices(_("Not assigned yet"))
    with redisplay_on_refusal(form) as refusal:
        # Not (or no longer) one of the channel's people: what was typed is shown with why.
        services.check_may_handle(current_actor(), channel)
    if refusal:
        return render_template("oia/new_request.html", channel=channel, form=form), refusal.status
    if form.validate_on_submit():
        tz = ZoneInfo(current_app.config["AGENCY_TIMEZONE"])
        received_time = form.received_time.data
        if received_time is None:
            # Unknown time: midday, or now if it arrived today (midday may not have come yet).
            now = datetime.now(tz)
            received_time = now.time() if form.received_on.data == now.date() else time(12)
        received_at = datetime.combine(form.received_on.data, received_time, tz)
        with redisplay_on_refusal(form) as refusal:
            item = services.log_request(
                channel.id,
                current_actor(),
                received_at,
                form.requester.data,
                form.summary.data,
                form.handler.data,
            )
        if not refusal:
            flash(
                _(
                    "Logged %(reference)s. It is due by %(day)s "
                    "(20 working days under the Official Information Act).",
                    reference=item.reference,
                    day=format_date(item.due_on),
                ),
                "success",
            )
            return redirect(url_for("oia.show_request", request_id=item.id))
    return render_template("oia/new_request.html", channel=channel, form=form)


@blueprint.route("/information-requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def show_request(request_id: int):
    item = services.load_request(request_id, current_actor())
    channel = load_channel(item.channel_id, current_actor())
    forms = {
        "extend": ExtendForm(prefix="extend"),
        "transfer": TransferForm(prefix="transfer"),
        "respond": RespondForm(prefix="respond"),
    }
    action = request.form.get("action")
    status, refused_form = 200, None
    if request.method == "POST":
        services.check_may_handle(current_actor(), channel)
        form = forms.get(action or "")
        if form is None:
            raise RegistryError(_("Choose one of the actions on the page."))
        if form.validate_on_submit():
            with redisplay_on_refusal(form) as refusal:
                if action == "extend":
                    services.extend_request(
                        item.id, current_actor(), form.new_due_on.data, form.reason.data
                    )
                elif action == "transfer":
                    services.transfer_request(
                        item.id, current_actor(), form.transferred_on.data, form.transferred_to.data
                    )
                else:
                    services.respond_request(item.id, current_actor(), form.responded_on.data)
            if not refusal:
                flash(_("%(reference)s updated.", reference=item.reference), "success")
                return redirect(url_for("oia.show_request", request_id=item.id))
            if refusal.status == 409:
                # Closed meanwhile: the page again, with what was typed and why.
                status, refused_form = refusal.status, form
    return render_template(
        "oia/request.html",
        item=item,
        channel=channel,
        status=services.status_of(item),
        forms=forms,
        may_handle=services.may_handle(current_actor(), channel),
        sees_requester=services.can_see_requester(current_actor(), item),
        refused_form=refused_form,
    ), status
