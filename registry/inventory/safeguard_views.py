"""Safeguards on a channel's lifecycle: the Manager Communications accepting an account-
security risk, and the Communications team cancelling a scheduled closure."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import login_required

from registry.auth.models import Office
from registry.auth.offices import holds
from registry.auth.permissions import office_required
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import refuse_on_form, show_error
from registry.inventory.closing import cancel_scheduled_closure
from registry.inventory.forms import GoLiveForm, RiskAcceptanceForm
from registry.inventory.risk import accept_risk
from registry.inventory.views import _actor, _channel, _channel_page, _conflict, blueprint


@blueprint.route("/channels/<int:channel_id>/security-risk", methods=["POST"])
@login_required
def accept_security_risk(channel_id: int):
    channel = _channel(channel_id)
    if not holds(_actor(), Office.MANAGER_COMMUNICATIONS):
        abort(403, "Only the Manager Communications can accept an account-security risk.")
    form = RiskAcceptanceForm()
    live_form = GoLiveForm(data={"channel_url": channel.channel_url})
    if not form.validate():
        return _channel_page(channel, live_form, risk_form=form)
    try:
        accept_risk(channel.id, _actor(), form.reason.data or "")
    except (ForbiddenError, ConflictError) as error:
        # The channel page again with the reason typed in the field and why it was refused.
        status = refuse_on_form(form, error)
        return _channel_page(channel, live_form, status, risk_form=form)
    except RegistryError as error:
        db.session.rollback()
        show_error(form, error)
        return _channel_page(channel, live_form, risk_form=form)
    flash(
        "You accepted the account-security risk. It is recorded and covers the next "
        "go-live or recertification only; someone else in the Communications team does it.",
        "success",
    )
    return redirect(url_for("inventory.show", channel_id=channel.id, _anchor="security-heading"))


@blueprint.route("/channels/<int:channel_id>/closure/cancel", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def cancel_closure(channel_id: int):
    channel = _channel(channel_id)
    try:
        cancel_scheduled_closure(channel.id, _actor())
    except ConflictError as error:
        return _conflict(error)
    flash(f"The scheduled closure of {channel.name} is cancelled; it stays active.", "success")
    return redirect(url_for("inventory.show", channel_id=channel.id))
