"""Administration → Other agencies: subscriptions to other registers. Admin office only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from registry.auth.models import Office
from registry.auth.permissions import current_actor, office_required
from registry.federation import services
from registry.federation.forms import ConfirmForm, SubscriptionForm
from registry.federation.services import SubscriptionDetails
from registry.forms import redisplay_on_refusal

blueprint = Blueprint("federation", __name__, url_prefix="/admin/agencies")


def _details(form: SubscriptionForm) -> SubscriptionDetails:
    return SubscriptionDetails(
        form.agency_name.data or "",
        form.register_url.data or "",
        form.feed_url.data or "",
        form.public_key.data or "",
    )


@blueprint.route("/")
@office_required(Office.ADMIN)
def subscriptions():
    return render_template(
        "federation/subscriptions.html",
        subscriptions=services.subscriptions(),
        form=ConfirmForm(),
    )


@blueprint.route("/new", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def new_subscription():
    form = SubscriptionForm()
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            subscription = services.add_subscription(_details(form), current_actor())
        if not refusal:
            flash(
                _(
                    "Subscribed to %(agency)s. Its register is being fetched.",
                    agency=subscription.agency_name,
                ),
                "success",
            )
            return redirect(url_for("federation.subscriptions"))
        return render_template("federation/form.html", form=form, subscription=None), refusal.status
    return render_template("federation/form.html", form=form, subscription=None)


@blueprint.route("/<int:subscription_id>", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def edit_subscription(subscription_id: int):
    subscription = services.load_subscription(subscription_id)
    form = SubscriptionForm(obj=subscription)
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            services.update_subscription(subscription_id, _details(form), current_actor())
        if not refusal:
            flash(
                _(
                    "Saved. %(agency)s's register is being fetched with these details.",
                    agency=form.agency_name.data,
                ),
                "success",
            )
            return redirect(url_for("federation.subscriptions"))
        subscription = services.load_subscription(subscription_id)
        return render_template(
            "federation/form.html", form=form, subscription=subscription
        ), refusal.status
    return render_template("federation/form.html", form=form, subscription=subscription)


@blueprint.route("/<int:subscription_id>/pause", methods=["POST"])
@office_required(Office.ADMIN)
def pause_subscription(subscription_id: int):
    services.load_subscription(subscription_id)
    subscription = services.set_paused(subscription_id, True, current_actor())
    flash(
        _(
            "%(agency)s: paused. Its last verified list still answers the lookup.",
            agency=subscription.agency_name,
        ),
        "success",
    )
    return redirect(url_for("federation.subscriptions"))


@blueprint.route("/<int:subscription_id>/resume", methods=["POST"])
@office_required(Office.ADMIN)
def resume_subscription(subscription_id: int):
    services.load_subscription(subscription_id)
    subscription = services.set_paused(subscription_id, False, current_actor())
    flash(_("%(agency)s: resumed, and being fetched.", agency=subscription.agency_name), "success")
    return redirect(url_for("federation.subscriptions"))


@blueprint.route("/<int:subscription_id>/fetch", methods=["POST"])
@office_required(Office.ADMIN)
def fetch_now(subscription_id: int):
    subscription = services.load_subscription(subscription_id)
    services.fetch_now(subscription_id, current_actor())
    flash(_("%(agency)s: queued to be fetched.", agency=subscription.agency_name), "success")
    return redirect(url_for("federation.subscriptions"))


@blueprint.route("/<int:subscription_id>/remove", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def remove_subscription(subscription_id: int):
    subscription = services.load_subscription(subscription_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = services.remove_subscription(subscription_id, current_actor())
        flash(
            _("Removed %(agency)s: the lookup no longer answers for its channels.", agency=name),
            "success",
        )
        return redirect(url_for("federation.subscriptions"))
    return render_template("federation/remove.html", subscription=subscription, form=form)
