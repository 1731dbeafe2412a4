"""The web import's second half: the Communications team submits the checked rows, the
Manager Communications (someone else) confirms or refuses them, either side may cancel."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from registry.auth.models import Office
from registry.auth.offices import holds
from registry.auth.permissions import current_actor, office_required
from registry.errors import ForbiddenError
from registry.forms import redisplay_on_refusal
from registry.inventory import import_batches, import_rows
from registry.inventory.forms import ImportRefusalForm
from registry.inventory.models import ImportBatch
from registry.inventory.views import IMPORT_STASH_PATH, blueprint
from registry.proposals.stash import take_stash


@blueprint.route("/inventory/import/submit", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def submit_import():
    from registry.inventory.csv_import import parse_channels_csv

    # Someone else's preview is a 404 (StashNotYours): never shown, never submitted.
    kept = take_stash(request.form.get("token", ""), IMPORT_STASH_PATH, current_actor().id)
    csv_text = kept.get("csv") if kept else None
    if not isinstance(csv_text, str) or not kept:
        flash(
            _("That preview has expired or was already submitted. Upload the file again."), "error"
        )
        return redirect(url_for("inventory.import_channels"))
    # Checked again: the registry may have changed since the preview.
    preview = parse_channels_csv(csv_text.encode("utf-8"))
    with redisplay_on_refusal() as refusal:
        batch = import_batches.submit_batch(
            current_actor(), preview, str(kept.get("file_name", "")), str(kept.get("sha256", ""))
        )
    if refusal.status == 403:
        raise refusal.error
    if refusal:
        flash(_("Nothing was submitted: %(reason)s", reason=refusal.message), "error")
        return redirect(url_for("inventory.import_channels"))
    flash(
        ngettext(
            "%(num)d channel submitted as %(reference)s. Nothing is in the inventory or on the "
            "public register until the Manager Communications confirms them.",
            "%(num)d channels submitted as %(reference)s. Nothing is in the inventory or on the "
            "public register until the Manager Communications confirms them.",
            batch.row_count,
            reference=batch.reference,
        ),
        "success",
    )
    return redirect(url_for("inventory.show_import", batch_id=batch.id))


@blueprint.route("/inventory/imports/")
@login_required
def imports():
    import_batches.check_may_see_imports(current_actor())
    return render_template("inventory/imports.html", batches=import_batches.batches())


def _import_page(  # noqa: ANN202
    batch: ImportBatch,
    refusal_form: ImportRefusalForm | None = None,
    errors=None,  # noqa: ANN001
    status: int = 200,
):
    user = current_actor()
    rows = import_rows.batch_rows(batch)
    units, people = import_rows.names_for(rows)
    pending = batch.status == "pending"
    return render_template(
        "inventory/import_batch.html",
        batch=batch,
        rows=rows,
        units=units,
        people=people,
        may_decide=pending
        and holds(user, Office.MANAGER_COMMUNICATIONS)
        and batch.submitted_by_id != user.id,
        own=batch.submitted_by_id == user.id,
        may_cancel=pending
        and (batch.submitted_by_id == user.id or holds(user, Office.COMMUNICATIONS_TEAM)),
        refusal_form=refusal_form or ImportRefusalForm(),
        errors=errors or [],
    ), status


@blueprint.route("/inventory/imports/<int:batch_id>")
@login_required
def show_import(batch_id: int):
    import_batches.check_may_see_imports(current_actor())
    return _import_page(import_batches.load_batch(batch_id))


@blueprint.route("/inventory/imports/<int:batch_id>/confirm", methods=["POST"])
@login_required
def confirm_import(batch_id: int):
    batch = import_batches.load_batch(batch_id)
    with redisplay_on_refusal() as refusal:
        import_batches.confirm_batch(current_actor(), batch.id, request.form.get("sha256", ""))
    if isinstance(refusal.error, import_batches.RowsNoLongerPass):
        flash(refusal.message, "error")
        return _import_page(import_batches.load_batch(batch_id), errors=refusal.error.errors)
    if refusal.status in (403, 409):
        raise refusal.error
    if refusal:
        flash(refusal.message, "error")
        return redirect(url_for("inventory.show_import", batch_id=batch_id))
    rows = import_rows.batch_rows(batch)
    changed = sum(1 for row in rows if row.channel_id)
    message = ngettext(
        "Imported %(num)d channel. They are active and flagged “no charter on record”.",
        "Imported %(num)d channels. They are active and flagged “no charter on record”.",
        len(rows) - changed,
    )
    if changed:
        message += " " + ngettext("Changed %(num)d channel.", "Changed %(num)d channels.", changed)
    flash(message, "success")
    return redirect(url_for("inventory.index", no_charter=1))


@blueprint.route("/inventory/imports/<int:batch_id>/refuse", methods=["POST"])
@login_required
def refuse_import(batch_id: int):
    batch = import_batches.load_batch(batch_id)
    form = ImportRefusalForm()
    sha256 = request.form.get("sha256", "")
    if not form.validate():
        if not holds(current_actor(), Office.MANAGER_COMMUNICATIONS):
            raise ForbiddenError(str(import_batches.ONLY_THE_MANAGER))
        return _import_page(batch, refusal_form=form)
    with redisplay_on_refusal(form) as refusal:
        import_batches.refuse_batch(current_actor(), batch.id, sha256, form.reason.data or "")
    if refusal:
        # The import's page again, with the reason typed and why it was not recorded.
        batch = import_batches.load_batch(batch_id)
        return _import_page(batch, refusal_form=form, status=refusal.status)
    flash(
        _("You refused %(reference)s. Nothing was imported.", reference=batch.reference), "success"
    )
    return redirect(url_for("inventory.show_import", batch_id=batch_id))


@blueprint.route("/inventory/imports/<int:batch_id>/cancel", methods=["POST"])
@login_required
def cancel_import(batch_id: int):
    batch = import_batches.load_batch(batch_id)
    # Refused (not yours to cancel, or decided meanwhile): the app's one error page says why.
    import_batches.cancel_batch(current_actor(), batch.id, request.form.get("sha256", ""))
    flash(
        _("%(reference)s is cancelled. Nothing was imported.", reference=batch.reference), "success"
    )
    return redirect(url_for("inventory.imports"))
