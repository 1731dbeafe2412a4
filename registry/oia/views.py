"""Information requests: logging one against a channel, and extending, transferring or
answering it."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from registry.auth.models import User
from registry.channels.models import Channel
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import choices, refuse_on_form, show_error
from registry.inventory.access import can_view_channel, is_comms
from registry.oia import services
from registry.oia.forms import ExtendForm, InformationRequestForm, RespondForm, TransferForm
from registry.oia.models import InformationRequest

blueprint = Blueprint("oia", __name__)


def _actor() -> User:
    return current_user._get_current_object()


def _channel(channel_id: int) -> Channel:
    channel = db.session.get(Channel, channel_id)
    if channel is None or not can_view_channel(_actor(), channel):
        abort(404)
    return channel


def _may_handle(channel: Channel) -> bool:
    """The Communications team, or anyone the channel names (liaison, spokespeople...)."""
    user = _actor()
    return is_comms(user) or f",{user.id}," in (channel.people_ids or "")


def _people_choices(blank: str):  # noqa: ANN202
    people = db.session.scalars(
        select(User).where(User.is_active_account).order_by(User.display_name)
    ).unique()
    return choices([("", blank)] + [(u.id, u.display_name) for u in people])


@blueprint.route("/channels/<int:channel_id>/information-requests/new", methods=["GET", "POST"])
@login_required
def new_request(channel_id: int):
    channel = _channel(channel_id)
    may_handle = _may_handle(channel)
    if not may_handle and request.method != "POST":
        abort(403)
    form = InformationRequestForm()
    form.handler.choices = _people_choices("Not assigned yet")
    if not may_handle:
        # Not (or no longer) one of the channel's people: what was typed is shown with why.
        refusal = ForbiddenError(
            f"You are not one of {channel.name}'s people or the Communications team, so you "
            "cannot log its information requests. Nothing was logged; pass this on to them."
        )
        status = refuse_on_form(form, refusal)
        return render_template("oia/new_request.html", channel=channel, form=form), status
    if form.validate_on_submit():
        tz = ZoneInfo(current_app.config["AGENCY_TIMEZONE"])
        received_time = form.received_time.data
        if received_time is None:
            # Unknown time: midday, or now if it arrived today (midday may not have come yet).
            now = datetime.now(tz)
            received_time = now.time() if form.received_on.data == now.date() else time(12)
        received_at = datetime.combine(form.received_on.data, received_time, tz)
        try:
            item = services.log_request(
                channel.id,
                _actor(),
                received_at,
                form.requester.data,
                form.summary.data,
                form.handler.data,
            )
        except RegistryError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            flash(
                f"Logged {item.reference}. It is due by {item.due_on:%-d %B %Y} "
                "(20 working days under the Official Information Act).",
                "success",
            )
            return redirect(url_for("oia.show_request", request_id=item.id))
    return render_template("oia/new_request.html", channel=channel, form=form)


@blueprint.route("/information-requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def show_request(request_id: int):
    item = db.session.get(InformationRequest, request_id) or abort(404)
    channel = _channel(item.channel_id)
    forms = {
        "extend": ExtendForm(prefix="extend"),
        "transfer": TransferForm(prefix="transfer"),
        "respond": RespondForm(prefix="respond"),
    }
    action = request.form.get("action")
    status, refused_form = 200, None
    if request.method == "POST":
        if not _may_handle(channel):
            abort(403)
        form = forms.get(action or "")
        if form is None:
            abort(400)
        if form.validate_on_submit():
            try:
                if action == "extend":
                    services.extend_request(
                        item.id, _actor(), form.new_due_on.data, form.reason.data
                    )
                elif action == "transfer":
                    services.transfer_request(
                        item.id, _actor(), form.transferred_on.data, form.transferred_to.data
                    )
                else:
                    services.respond_request(item.id, _actor(), form.responded_on.data)
            except ConflictError as error:
                # Closed meanwhile: the page again, with what was typed and why.
                status, refused_form = refuse_on_form(form, error), form
            except RegistryError as error:
                db.session.rollback()
                show_error(form, error)
            else:
                flash(f"{item.reference} updated.", "success")
                return redirect(url_for("oia.show_request", request_id=item.id))
    return render_template(
        "oia/request.html",
        item=item,
        channel=channel,
        status=services.status_of(item),
        forms=forms,
        may_handle=_may_handle(channel),
        sees_requester=services.can_see_requester(_actor(), item),
        refused_form=refused_form,
    ), status
