"""The web import's second half: the Communications team submits the checked rows, the
Manager Communications (someone else) confirms or refuses them, either side may cancel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from registry.auth.models import Office
from registry.auth.offices import holds
from registry.auth.permissions import office_required
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import refuse_on_form, show_error
from registry.inventory import import_batches
from registry.inventory.forms import ImportRefusalForm
from registry.inventory.models import ImportBatch
from registry.inventory.views import IMPORT_STASH_PATH, _actor, blueprint
from registry.proposals.stash import StashNotYours, take_stash


def _may_see_imports() -> None:
    user = _actor()
    if not (holds(user, Office.COMMUNICATIONS_TEAM) or holds(user, Office.MANAGER_COMMUNICATIONS)):
        abort(403, "Only the Communications team and the Manager Communications see imports.")


def _batch(batch_id: int) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    return batch


def _refused(error: RegistryError):  # noqa: ANN202
    db.session.rollback()
    abort(error.status, error.message)


@blueprint.route("/inventory/import/submit", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def submit_import():
    from registry.inventory.csv_import import parse_channels_csv

    try:
        kept = take_stash(request.form.get("token", ""), IMPORT_STASH_PATH, _actor().id)
    except StashNotYours:
        abort(404)
    csv_text = kept.get("csv") if kept else None
    if not isinstance(csv_text, str) or not kept:
        flash("That preview has expired or was already submitted. Upload the file again.", "error")
        return redirect(url_for("inventory.import_channels"))
    # Checked again: the registry may have changed since the preview.
    preview = parse_channels_csv(csv_text.encode("utf-8"))
    try:
        batch = import_batches.submit_batch(
            _actor(), preview, str(kept.get("file_name", "")), str(kept.get("sha256", ""))
        )
    except ForbiddenError as error:
        return _refused(error)
    except RegistryError as error:
        db.session.rollback()
        flash(f"Nothing was submitted: {error.message}", "error")
        return redirect(url_for("inventory.import_channels"))
    flash(
        f"{batch.row_count} channel{'' if batch.row_count == 1 else 's'} submitted as "
        f"{batch.reference}. Nothing is in the inventory or on the public register until the "
        "Manager Communications confirms them.",
        "success",
    )
    return redirect(url_for("inventory.show_import", batch_id=batch.id))


@blueprint.route("/inventory/imports/")
@login_required
def imports():
    _may_see_imports()
    return render_template("inventory/imports.html", batches=import_batches.batches())


def _import_page(  # noqa: ANN202
    batch: ImportBatch,
    refusal_form: ImportRefusalForm | None = None,
    errors=None,  # noqa: ANN001
    status: int = 200,
):
    user = _actor()
    rows = import_batches.batch_rows(batch)
    units, people = import_batches.names_for(rows)
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
    _may_see_imports()
    return _import_page(_batch(batch_id))


@blueprint.route("/inventory/imports/<int:batch_id>/confirm", methods=["POST"])
@login_required
def confirm_import(batch_id: int):
    batch = _batch(batch_id)
    try:
        import_batches.confirm_batch(_actor(), batch.id, request.form.get("sha256", ""))
    except import_batches.RowsNoLongerPass as error:
        flash(error.message, "error")
        db.session.expire_all()
        return _import_page(_batch(batch_id), errors=error.errors)
    except (ConflictError, ForbiddenError) as error:
        return _refused(error)
    except RegistryError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("inventory.show_import", batch_id=batch_id))
    flash(
        f"Imported {batch.row_count} channel{'' if batch.row_count == 1 else 's'}. They are "
        "active and flagged “no charter on record”.",
        "success",
    )
    return redirect(url_for("inventory.index", no_charter=1))


@blueprint.route("/inventory/imports/<int:batch_id>/refuse", methods=["POST"])
@login_required
def refuse_import(batch_id: int):
    batch = _batch(batch_id)
    form = ImportRefusalForm()
    sha256 = request.form.get("sha256", "")
    if not form.validate():
        if not holds(_actor(), Office.MANAGER_COMMUNICATIONS):
            abort(403, import_batches.ONLY_THE_MANAGER)
        return _import_page(batch, refusal_form=form)
    try:
        import_batches.refuse_batch(_actor(), batch.id, sha256, form.reason.data or "")
    except (ConflictError, ForbiddenError) as error:
        # The import's page again, with the reason typed and why it was not recorded.
        status = refuse_on_form(form, error)
        return _import_page(_batch(batch_id), refusal_form=form, status=status)
    except RegistryError as error:
        db.session.rollback()
        show_error(form, error)
        return _import_page(_batch(batch_id), refusal_form=form)
    flash(f"You refused {batch.reference}. Nothing was imported.", "success")
    return redirect(url_for("inventory.show_import", batch_id=batch_id))


@blueprint.route("/inventory/imports/<int:batch_id>/cancel", methods=["POST"])
@login_required
def cancel_import(batch_id: int):
    batch = _batch(batch_id)
    try:
        import_batches.cancel_batch(_actor(), batch.id, request.form.get("sha256", ""))
    except (ConflictError, ForbiddenError) as error:
        return _refused(error)
    flash(f"{batch.reference} is cancelled. Nothing was imported.", "success")
    return redirect(url_for("inventory.imports"))
