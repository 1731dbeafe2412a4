"""Imports on the web: the two-person rule (NIST SP 800-53 AC-5) for bringing in channels.

An imported channel is active and "official" on the public register and lookup at once, so
one person must not be able to make one. A Communications team member submits the checked
rows of a spreadsheet as a pending batch; it is in no inventory and on no public page until
the Manager Communications — whoever holds that office now, and not the person who submitted
it — confirms it. Confirming checks every row again at that moment and adds all of them or
none. The operator's command line is the other door (``importing.import_channels``), one
step and recorded as such.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from registry import signals
from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import holds
from registry.channels.models import ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, NotFoundError, RegistryError
from registry.extensions import db
from registry.forms import clean_text
from registry.inventory.csv_import import recheck_rows
from registry.inventory.csv_results import ImportPreview, RowError
from registry.inventory.import_rows import batch_rows, rows_json
from registry.inventory.importing import HandleTakenMeanwhile, apply_import
from registry.inventory.models import ImportBatch, ImportBatchStatus
from registry.timeutil import utcnow

REASON_MAX = 5000
NOT_YOUR_OWN = _l(
    "You submitted this import, so the Manager Communications must be someone else to confirm "
    "it: no one person brings official channels into being."
)
ONLY_THE_MANAGER = _l(
    "Only the Manager Communications (or whoever is acting in that office today) can confirm or "
    "refuse an import."
)


class RowsNoLongerPass(RegistryError):
    """Confirming found rows that no longer pass; the batch is refused and nothing imported."""

    def __init__(self, batch: ImportBatch, errors: list[RowError], file_error: str | None) -> None:
        first = file_error or (
            _("The first problem: %(problem)s.", problem=errors[0]) if errors else ""
        )
        if first:
            message = _(
                "Nothing was imported: checked again now, the rows no longer all pass, so the "
                "import is refused. %(first)s",
                first=first,
            )
        else:
            message = _(
                "Nothing was imported: checked again now, the rows no longer all pass, so the "
                "import is refused."
            )
        super().__init__(message)
        self.batch = batch
        self.errors = errors


def check_may_see_imports(user: User) -> None:
    """403 unless ``user`` is in the Communications team or is the Manager Communications."""
    if not (holds(user, Office.COMMUNICATIONS_TEAM) or holds(user, Office.MANAGER_COMMUNICATIONS)):
        raise ForbiddenError(
            _("Only the Communications team and the Manager Communications see imports.")
        )


def load_batch(batch_id: int) -> ImportBatch:
    """The one loader for an import batch (404 when there is none)."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(_("There is no such import."))
    return batch


def _summary(batch: ImportBatch) -> dict[str, object]:
    return {
        "file_name": batch.file_name,
        "sha256": batch.sha256,
        "rows": batch.row_count,
        "submitted_by": batch.submitted_by.email if batch.submitted_by else None,
    }


def submit_batch(actor: User, preview: ImportPreview, file_name: str, sha256: str) -> ImportBatch:
    """A Communications team member submits checked rows; nothing is imported yet."""
    if not holds(actor, Office.COMMUNICATIONS_TEAM):
        raise ForbiddenError(_("Only the Communications team can submit an import."))
    if not preview.ok:
        raise RegistryError(preview.summary())
    begin_write()
    batch = ImportBatch(
        file_name=str(clean_text(file_name or "")).strip()[:255],
        sha256=sha256,
        row_count=len(preview.rows),
        rows_json=rows_json(preview.rows),
        status=ImportBatchStatus.PENDING.value,
        submitted_by=actor,
        submitted_at=utcnow(),
        reason="",
    )
    db.session.add(batch)
    db.session.flush()
    record(
        "import-submitted",
        "import_batch",
        batch.id,
        actor=actor,
        status=ImportBatchStatus.PENDING.value,
        **_summary(batch),
    )
    db.session.commit()
    return batch


def _pending(batch_id: int, sha256: str) -> ImportBatch:
    """The batch, locked, if it is still pending and is the one the person looked at."""
    batch = locked_row(ImportBatch, batch_id)
    if batch is None:
        raise ConflictError(_("That import no longer exists."))
    if batch.status_enum is not ImportBatchStatus.PENDING:
        raise ConflictError(_already_decided(batch))
    if sha256 != batch.sha256:
        raise ConflictError(
            _("This is not the import you were shown (its SHA-256 differs). Open it again.")
        )
    return batch


def _already_decided(batch: ImportBatch) -> str:
    """Why a batch decided meanwhile cannot be decided again: who did what to it."""
    who = batch.decided_by.display_name if batch.decided_by else _("Someone")
    if batch.status_enum is ImportBatchStatus.CONFIRMED:
        return _(
            "%(who)s already confirmed this import (%(reference)s).",
            who=who,
            reference=batch.reference,
        )
    if batch.status_enum is ImportBatchStatus.REFUSED:
        return _(
            "%(who)s already refused this import (%(reference)s).",
            who=who,
            reference=batch.reference,
        )
    return _(
        "%(who)s already cancelled this import (%(reference)s).",
        who=who,
        reference=batch.reference,
    )


def _require_manager(actor: User, batch: ImportBatch) -> None:
    if not holds(actor, Office.MANAGER_COMMUNICATIONS):
        raise ForbiddenError(str(ONLY_THE_MANAGER))
    if batch.submitted_by_id == actor.id:
        raise ForbiddenError(str(NOT_YOUR_OWN))


def _decide(batch: ImportBatch, actor: User, status: ImportBatchStatus, reason: str) -> None:
    batch.status = status.value
    batch.decided_by = actor
    batch.decided_at = utcnow()
    batch.reason = reason


def confirm_batch(actor: User, batch_id: int, sha256: str) -> ImportBatch:
    """The Manager Communications confirms: every row is checked again now and all of them
    become active channels with no charter on record, or — if any fails now — the batch is
    refused with the row errors and nothing is imported."""
    begin_write()
    batch = locked_row(ImportBatch, batch_id)
    if batch is not None:
        # Who may decide comes before what state it is in: a 409 tells nothing to someone
        # who may not confirm at all.
        _require_manager(actor, batch)
    batch = _pending(batch_id, sha256)
    stored = batch_rows(batch)
    # Checked inside the write transaction (as the command line's import is): on SQLite
    # nobody can take a handle between the check and the insert; on PostgreSQL the unique
    # index catches that race instead.
    preview = recheck_rows([(row.line, row.cells) for row in stored])
    errors = list(preview.errors)
    by_line = {row.line: row for row in stored}
    for row in preview.rows:
        kept = by_line.get(row.line)
        if kept and (row.channel_id, row.before or None) != (kept.channel_id, kept.before or None):
            errors.append(
                RowError(
                    row.line,
                    "reference",
                    _(
                        "The channel this row names has changed since the import was "
                        "submitted, or the row now names a channel it did not: export the "
                        "inventory again, make the changes and submit that file."
                    ),
                )
            )
        elif kept and (row.business_unit_id, row.liaison_id) != (
            kept.business_unit_id,
            kept.liaison_id,
        ):
            errors.append(
                RowError(
                    row.line,
                    "business unit",
                    _(
                        "The business unit or liaison this row names is not the one it named "
                        "when the import was submitted: submit the file again."
                    ),
                )
            )
    if preview.file_error or errors or len(preview.rows) != batch.row_count:
        if not errors and not preview.file_error:
            errors.append(RowError(0, "(row)", "Some rows no longer pass."))
        text = preview.file_error or "; ".join(str(error) for error in errors[:50])
        _decide(batch, actor, ImportBatchStatus.REFUSED, f"Rows no longer pass: {text}")
        record(
            "import-refused",
            "import_batch",
            batch.id,
            actor=actor,
            status=ImportBatchStatus.REFUSED.value,
            refused_by=actor.email,
            reason=batch.reason[:2000],
            problems=len(errors),
            **_summary(batch),
        )
        db.session.commit()
        raise RowsNoLongerPass(batch, errors, preview.file_error)
    try:
        count, updated = apply_import(preview.rows, actor)
        _decide(batch, actor, ImportBatchStatus.CONFIRMED, "")
        record(
            "channels-imported",
            "channel",
            "import",
            actor=actor,
            batch=batch.reference,
            count=count,
            **({"updated": updated} if updated else {}),
            confirmed_by=actor.email,
            state=ChannelState.ACTIVE.value,
            no_charter=True,
            **_summary(batch),
        )
        signals.channels_imported.send(batch, actor=actor)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise HandleTakenMeanwhile() from error
    except BaseException:
        db.session.rollback()
        raise
    return batch


def refuse_batch(actor: User, batch_id: int, sha256: str, reason: str) -> ImportBatch:
    """The Manager Communications refuses a batch, saying why; nothing is imported."""
    text = str(clean_text(reason or "")).strip()
    begin_write()
    batch = locked_row(ImportBatch, batch_id)
    if batch is not None:
        _require_manager(actor, batch)
    batch = _pending(batch_id, sha256)
    if not text:
        raise RegistryError(_("Say why you are refusing this import."), "reason")
    if len(text) > REASON_MAX:
        raise RegistryError(
            _("Shorten the reason to at most %(limit)s characters.", limit=format(REASON_MAX, ",")),
            "reason",
        )
    _decide(batch, actor, ImportBatchStatus.REFUSED, text)
    record(
        "import-refused",
        "import_batch",
        batch.id,
        actor=actor,
        status=ImportBatchStatus.REFUSED.value,
        refused_by=actor.email,
        reason=text,
        **_summary(batch),
    )
    db.session.commit()
    return batch


def cancel_batch(actor: User, batch_id: int, sha256: str) -> ImportBatch:
    """The person who submitted it, or anyone in the Communications team, withdraws it."""
    begin_write()
    batch = locked_row(ImportBatch, batch_id)
    if (
        batch is not None
        and batch.submitted_by_id != actor.id
        and not holds(actor, Office.COMMUNICATIONS_TEAM)
    ):
        raise ForbiddenError(_("Only the Communications team can cancel an import."))
    batch = _pending(batch_id, sha256)
    _decide(batch, actor, ImportBatchStatus.CANCELLED, "")
    record(
        "import-cancelled",
        "import_batch",
        batch.id,
        actor=actor,
        status=ImportBatchStatus.CANCELLED.value,
        cancelled_by=actor.email,
        **_summary(batch),
    )
    db.session.commit()
    return batch


def batches(limit: int = 50) -> list[ImportBatch]:
    """Pending batches first (oldest first), then the latest decided ones."""
    pending = list(
        db.session.scalars(
            select(ImportBatch)
            .where(ImportBatch.status == ImportBatchStatus.PENDING.value)
            .order_by(ImportBatch.submitted_at, ImportBatch.id)
        ).unique()
    )
    decided = list(
        db.session.scalars(
            select(ImportBatch)
            .where(ImportBatch.status != ImportBatchStatus.PENDING.value)
            .order_by(ImportBatch.id.desc())
            .limit(limit)
        ).unique()
    )
    return pending + decided


def waiting_for(user: User) -> list[ImportBatch]:
    """Pending batches this person could confirm now (the dashboard's list)."""
    if not holds(user, Office.MANAGER_COMMUNICATIONS):
        return []
    return list(
        db.session.scalars(
            select(ImportBatch)
            .where(
                ImportBatch.status == ImportBatchStatus.PENDING.value,
                ImportBatch.submitted_by_id != user.id,
            )
            .order_by(ImportBatch.submitted_at, ImportBatch.id)
        ).unique()
    )
