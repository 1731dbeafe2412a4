"""The closing checklist's pages: the task list of a closing channel and one page per item,
where the Communications team ticks it (with what it needs) or unticks it with a reason."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from registry.auth.models import Office
from registry.auth.permissions import current_actor, office_required
from registry.channels.models import Channel, ChannelState
from registry.errors import ConflictError
from registry.forms import RegistryForm, redisplay_on_refusal
from registry.inventory import checklist
from registry.inventory.access import load_channel
from registry.inventory.closure_forms import FORMS, UntickForm, details_of
from registry.inventory.views import blueprint


def _with_checklist(channel: Channel) -> list[checklist.ItemStatus]:
    items = checklist.checklist_of(channel)
    if not items:
        # Decommissioned before the checklist existed (or never closed): nothing to show.
        raise ConflictError(_("%(name)s has no closing checklist.", name=channel.name))
    return items


@blueprint.route("/channels/<int:channel_id>/closing")
@office_required(Office.COMMUNICATIONS_TEAM)
def closing_checklist(channel_id: int):
    channel = load_channel(channel_id, current_actor())
    items = _with_checklist(channel)
    return render_template(
        "inventory/closing.html",
        channel=channel,
        items=items,
        done=sum(1 for item in items if item.done),
    )


def _item_page(
    channel: Channel,
    key: str,
    form: RegistryForm | None = None,
    untick_form: UntickForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    kind = checklist.kind_of(key)
    items = _with_checklist(channel)
    item = next(i for i in items if i.kind.key == key)
    form_class = FORMS.get(key)
    if form is None and form_class is not None and not item.done:
        form = form_class(formdata=None)
    if untick_form is None and item.done and not item.automatic:
        untick_form = UntickForm(formdata=None)
    return render_template(
        "inventory/closing_item.html",
        channel=channel,
        kind=kind,
        item=item,
        form=form,
        untick_form=untick_form,
        editable=channel.state_enum is ChannelState.CLOSING,
    ), status


@blueprint.route("/channels/<int:channel_id>/closing/<key>", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def closing_item(channel_id: int, key: str):
    channel = load_channel(channel_id, current_actor())
    form_class = FORMS.get(checklist.kind_of(key).key)
    form = form_class() if form_class is not None else None
    if form is None or not form.is_submitted():
        return _item_page(channel, key)
    status = 200
    if form.validate():
        with redisplay_on_refusal(form) as refusal:
            checklist.tick(channel.id, key, current_actor(), details_of(form))
        if not refusal:
            return _ticked(channel, key)
        status = refusal.status
    return _item_page(channel, key, form=form, status=status)


def _ticked(channel: Channel, key: str) -> Response:
    if channel.state_enum is ChannelState.DECOMMISSIONED:
        flash(
            _(
                "Every item is done: %(name)s is decommissioned. Its record and charter stay.",
                name=channel.name,
            ),
            "success",
        )
        return redirect(url_for("inventory.show", channel_id=channel.id))
    flash(_("%(item)s: done.", item=checklist.kind_of(key).title), "success")
    return redirect(url_for("inventory.closing_checklist", channel_id=channel.id))


@blueprint.route("/channels/<int:channel_id>/closing/<key>/untick", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def untick_closing_item(channel_id: int, key: str):
    channel = load_channel(channel_id, current_actor())
    checklist.kind_of(key)
    form = UntickForm()
    status = 200
    if form.validate():
        with redisplay_on_refusal(form) as refusal:
            checklist.untick(channel.id, key, current_actor(), form.reason.data or "")
        if not refusal:
            flash(
                _("%(item)s is unticked: do it again.", item=checklist.kind_of(key).title),
                "success",
            )
            return redirect(url_for("inventory.closing_item", channel_id=channel.id, key=key))
        status = refusal.status
    return _item_page(channel, key, untick_form=form, status=status)
