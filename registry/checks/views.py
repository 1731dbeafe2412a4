"""A channel's platform account id, and the flags the daily check raised on it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from registry.auth.models import Office
from registry.auth.permissions import current_actor, office_required
from registry.checks import flags, services
from registry.checks.forms import AccountIdForm, ResolveFlagForm
from registry.errors import ForbiddenError
from registry.forms import redisplay_on_refusal
from registry.inventory.access import is_comms, load_channel

blueprint = Blueprint("checks", __name__)


@blueprint.route("/channels/<int:channel_id>/account-id", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def account_id(channel_id: int):
    channel = load_channel(channel_id, current_actor())
    form = AccountIdForm(data={"platform_account_id": channel.platform_account_id})
    status = 200
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            services.set_account_id(
                channel.id, current_actor(), form.platform_account_id.data or ""
            )
        if not refusal:
            flash(_("Platform account id saved."), "success")
            return redirect(url_for("inventory.show", channel_id=channel.id))
        status = refusal.status
    return render_template("checks/account_id.html", channel=channel, form=form), status


@blueprint.route("/channels/<int:channel_id>/flags/<int:flag_id>", methods=["GET", "POST"])
@login_required
def flag(channel_id: int, flag_id: int):
    channel = load_channel(channel_id, current_actor())
    flag = flags.load_flag(channel, flag_id)
    may_resolve = is_comms(current_actor())
    form = ResolveFlagForm()
    status = 200
    if form.is_submitted():
        if not may_resolve:
            raise ForbiddenError(_("Only the Communications team resolves a channel's flags."))
        if form.validate():
            with redisplay_on_refusal(form) as refusal:
                flags.resolve_flag(flag.id, current_actor(), form.note.data or "")
            if not refusal:
                flash(_("The flag is resolved; your note is kept with the record."), "success")
                return redirect(url_for("inventory.show", channel_id=channel.id))
            status = refusal.status
    return render_template(
        "checks/flag.html",
        channel=channel,
        flag=flag,
        form=form,
        may_resolve=may_resolve and flag.is_open,
        sentence=flags.finding_sentence(flag.kind, flag.seen),
    ), status
