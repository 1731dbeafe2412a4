"""Reading the spreadsheet of channels the Communications team keeps (or the inventory's own
export, edited or not), to import it.

Parsing never raises on bad input: everything wrong with the file comes back in an
ImportPreview, as one file-level message or as one error for each row with a problem, naming
the line and the column to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from flask import current_app
from flask_babel import gettext as _

from registry.auth.offices import agency_today
from registry.inventory.csv_checks import Draft, check_cells
from registry.inventory.csv_columns import COLUMN_KINDS, EDITABLE_COLUMNS
from registry.inventory.csv_lookups import Units, load_units
from registry.inventory.csv_matching import (
    check_drafts,
    import_row,
    note_duplicate,
    registry_lookups,
)
from registry.inventory.csv_reading import FileProblem, open_sheet
from registry.inventory.csv_results import ImportPreview, ImportRow, failed
from registry.policy.text import TextKind, clean_text

__all__ = ["parse_channels_csv", "recheck_rows", "stream_channels_csv"]


def max_rows() -> int:
    """The most channels one import may add (the IMPORT_MAX_ROWS setting)."""
    return int(current_app.config["IMPORT_MAX_ROWS"])


def parse_channels_csv(data: bytes) -> ImportPreview:
    """Read and check the Communications team's spreadsheet of channels.

    Needs an app context (it looks up units, people, channels and proposals), but writes
    nothing. Row errors carry the file's line number, the header being line 1.
    """
    sheet = open_sheet(data)
    if isinstance(sheet, str):
        return failed(sheet)
    try:
        drafts = list(sheet.drafts(agency_today(), max_rows()))
    except FileProblem as problem:
        return failed(str(problem))
    if not drafts:
        return failed(_("The file has a header row but no channels under it."))
    return check_drafts(drafts, sheet.headings)


def stream_channels_csv(
    data: bytes, add: Callable[[list[ImportRow]], None], batch_size: int
) -> int | None:
    """Check ``data`` as ``parse_channels_csv`` does and hand the rows to ``add``,
    ``batch_size`` at a time, in one pass that keeps no row once its batch is added: memory
    stays flat whatever the file's length. Only for a file of channels new to the registry.

    Each batch is checked on its own, against the registry, and for repeats within it; a
    handle repeated across batches, or held by a live channel, is refused by the database's
    unique index when ``add`` inserts it. Returns how many rows were added, or None as soon
    as a row does not pass or names a channel by its reference (rows may have reached ``add``
    by then, so the caller rolls back and checks the file whole with ``parse_channels_csv``).
    """
    sheet = open_sheet(data)
    if isinstance(sheet, str):
        return None
    units = load_units()  # once for the whole file, not once a batch
    added = 0
    batch: list[Draft] = []
    try:
        for draft in sheet.drafts(agency_today(), max_rows()):
            if not draft.ok or draft.channel_id is not None:
                return None
            batch.append(draft)
            if len(batch) == batch_size:
                if not _add_checked(batch, add, units):
                    return None
                added, batch = added + len(batch), []
    except FileProblem:
        return None
    if batch:
        if not _add_checked(batch, add, units):
            return None
        added += len(batch)
    return added or None


def _add_checked(drafts: list[Draft], add: Callable[[list[ImportRow]], None], units: Units) -> bool:
    """Check ``drafts`` against each other and the registry and, if every one passes, add
    them. False when one does not pass."""
    first_line: dict[tuple[str, str], int] = {}
    for draft in drafts:
        note_duplicate(draft, first_line)
    # Live channels holding these handles are left to the unique index: reading them here,
    # while this import's own rows pile up in a table the planner has not counted yet, made
    # each batch slower than the last on PostgreSQL (116 s for 100,000 rows).
    lookups = registry_lookups(
        first_line, {d.email for d in drafts if d.email}, channels=False, units=units
    )
    rows = []
    for draft in drafts:
        row = import_row(draft, lookups)
        if not isinstance(row, ImportRow) or not draft.ok:
            return False
        rows.append(row)
    add(rows)
    return True


def recheck_rows(rows: Sequence[tuple[int, Mapping[str, str]]]) -> ImportPreview:
    """Check rows kept from an earlier check again, now: the same cleaning and the same rules
    as a file, against the registry as it is at this moment (handles may have been taken,
    people deactivated, channels changed since). ``rows`` are (line, cells by the import's
    column names)."""
    if not rows:
        return failed(_("There are no channels to import."))
    if len(rows) > max_rows():
        return failed(
            _(
                "There are more than %(limit)s channels: split them up.",
                limit=format(max_rows(), ","),
            )
        )
    today = agency_today()
    drafts = [
        check_cells(
            line,
            {
                column: clean_text(
                    str(cells.get(column, "")), COLUMN_KINDS.get(column, TextKind.LINE)
                ).strip()
                for column in EDITABLE_COLUMNS
            },
            today,
        )
        for line, cells in rows
    ]
    # A row submitted as a new channel stays one: a handle taken meanwhile is a problem.
    return check_drafts(drafts, by_handle=False)
