"""Safeguards on a channel: its account security record, the Manager Communications accepting
an account-security risk, the Communications team cancelling a scheduled closure, and the
channels whose people have changed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from registry.auth.models import Office, User
from registry.auth.offices import holds
from registry.auth.permissions import current_actor, office_required
from registry.errors import ForbiddenError
from registry.extensions import db
from registry.forms import choices, redisplay_on_refusal
from registry.inventory.access import load_channel
from registry.inventory.closing import cancel_scheduled_closure
from registry.inventory.forms import AccountSecurityForm, GoLiveForm, RiskAcceptanceForm
from registry.inventory.people import orphaned_channels
from registry.inventory.risk import accept_risk
from registry.inventory.security import save_security, security_record
from registry.inventory.security_models import security_version
from registry.inventory.views import _channel_page, blueprint


@blueprint.route("/channels/<int:channel_id>/security-risk", methods=["POST"])
@login_required
def accept_security_risk(channel_id: int):
    channel = load_channel(channel_id, current_actor())
    if not holds(current_actor(), Office.MANAGER_COMMUNICATIONS):
        raise ForbiddenError(
            _("Only the Manager Communications can accept an account-security risk.")
        )
    form = RiskAcceptanceForm()
    live_form = GoLiveForm(data={"channel_url": channel.channel_url})
    if not form.validate():
        return _channel_page(channel, live_form, risk_form=form)
    with redisplay_on_refusal(form) as refusal:
        accept_risk(channel.id, current_actor(), form.reason.data or "")
    if refusal:
        # The channel page again with the reason typed in the field and why it was refused.
        return _channel_page(channel, live_form, refusal.status, risk_form=form)
    flash(
        _(
            "You accepted the account-security risk. It is recorded and covers the next "
            "go-live or recertification only; someone else in the Communications team does it."
        ),
        "success",
    )
    return redirect(url_for("inventory.show", channel_id=channel.id, _anchor="security-heading"))


@blueprint.route("/channels/<int:channel_id>/closure/cancel", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def cancel_closure(channel_id: int):
    channel = load_channel(channel_id, current_actor())
    # Nothing scheduled any more: the app's one error page says why, with 409.
    cancel_scheduled_closure(channel.id, current_actor())
    flash(
        _("The scheduled closure of %(name)s is cancelled; it stays active.", name=channel.name),
        "success",
    )
    return redirect(url_for("inventory.show", channel_id=channel.id))


def _people_choices(blank: str):  # noqa: ANN202
    people = db.session.scalars(
        select(User).where(User.is_active_account).order_by(User.display_name)
    ).unique()
    return choices([("", blank)] + [(u.id, u.display_name) for u in people])


@blueprint.route("/channels/<int:channel_id>/security", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def security(channel_id: int):
    channel = load_channel(channel_id, current_actor())
    record = security_record(channel)
    form = AccountSecurityForm(
        data={"version": security_version(record)}
        if record is None
        else {
            "admins": record.admin_ids,
            "mfa_enabled": record.mfa_enabled,
            "recovery_email": record.recovery_email,
            "credentials_reference": record.credentials_reference,
            "last_access_review": record.last_access_review,
            "version": security_version(record),
        }
    )
    form.admins.choices = _people_choices("")[1:]
    status = 200
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            save_security(
                channel.id,
                current_actor(),
                form.admins.data or [],
                form.mfa_enabled.data,
                form.recovery_email.data or "",
                form.credentials_reference.data or "",
                form.last_access_review.data,
                # From the page posted only: the form would fill a missing field in from the
                # record as it is now, and always match. Every page of ours sends it.
                expected_version=request.form.get("version"),
            )
        if not refusal:
            flash(_("Account security record saved."), "success")
            return redirect(
                url_for("inventory.show", channel_id=channel.id, _anchor="security-heading")
            )
        # Changed by someone else meanwhile (409), or to correct: the form again as typed,
        # and saving again is now a decision made knowing the record as it is.
        status = refusal.status
        form.version.data = security_version(security_record(channel))
    return render_template("inventory/security.html", channel=channel, form=form), status


@blueprint.route("/inventory/people-changes")
@office_required(Office.COMMUNICATIONS_TEAM)
def people_changes():
    return render_template("inventory/people_changes.html", channels=orphaned_channels())
