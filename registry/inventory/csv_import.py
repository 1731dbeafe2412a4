"""Reading the spreadsheet of existing channels the Communications team keeps, to import it.

Parsing never raises on bad input: everything wrong with the file comes back in an
ImportPreview, as one file-level message or as errors naming the line and column to fix.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.auth.offices import agency_today
from registry.inventory.csv_checks import (
    Draft,
    ImportPreview,
    ImportRow,
    RowError,
    check_cells,
    check_drafts,
    failed,
    import_row,
    note_duplicate,
    registry_lookups,
)
from registry.inventory.csv_columns import COLUMN_KINDS, IMPORT_COLUMNS, unformula
from registry.policy.text import TextKind, clean_text

__all__ = ["parse_channels_csv", "recheck_rows", "stream_channels_csv"]


# --- reading the file ---------------------------------------------------------------------

_SAVE_AS_UTF8 = _l(
    "Save the file as CSV UTF-8: in Excel choose File > Save As > “CSV UTF-8 (Comma delimited)”"
    " (not “CSV (Comma delimited)” or “Unicode Text”); in Google Sheets use File > Download >"
    " Comma-separated values. Then import it again."
)


_CHECK_CHUNK = 1 << 16


def _check_utf8(data: bytes) -> None:
    """Raise UnicodeDecodeError (positioned in ``data``) unless ``data`` is UTF-8. Checked a
    chunk at a time and nothing kept: the rows are read from the bytes as a stream, so no
    whole copy of the text is ever held (StringIO would hold four bytes a character)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHECK_CHUNK):
            decoder.decode(view[start : start + _CHECK_CHUNK], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        data.decode("utf-8")  # again, whole, for the error's position in the file
        raise


def _encoding_problem(data: bytes) -> str | None:
    """Why the file is not CSV UTF-8 text, with how to save it so; None when it is."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)):
        return _(
            "The file is UTF-16 (“Unicode Text”), not CSV UTF-8. %(advice)s", advice=_SAVE_AS_UTF8
        )
    try:
        _check_utf8(data)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return _(
            "The file is not UTF-8 text (the first character that is not is on line %(line)d); "
            "it was probably saved in a Windows or Mac code page, which mangles macrons as in "
            "“Māori”. %(advice)s",
            line=line,
            advice=_SAVE_AS_UTF8,
        )
    # UTF-16 without a byte-order mark decodes as "valid" UTF-8 full of NULs.
    if b"\x00" in data:
        return _(
            "The file looks like UTF-16 (“Unicode Text”), not CSV UTF-8. %(advice)s",
            advice=_SAVE_AS_UTF8,
        )
    return None


def _header_key(cell: str) -> str:
    return " ".join(cell.replace("_", " ").split()).casefold()


def _columns(header: list[str]) -> tuple[dict[str, int] | None, str | None]:
    """Which position each expected column is at, or a file-level error naming what's wrong."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue
        if key in IMPORT_COLUMNS:
            if key in positions:
                repeated.append(clean_text(cell, TextKind.LINE).strip())
            positions.setdefault(key, index)
        else:
            unknown.append(clean_text(cell, TextKind.LINE).strip())
    missing = [c for c in IMPORT_COLUMNS if c not in positions]
    if not missing and not unknown and not repeated:
        return positions, None
    problems = []
    if missing:
        problems.append(_("missing %(columns)s", columns=", ".join(f"“{c}”" for c in missing)))
    if unknown:
        shown = ", ".join(f"“{c[:60]}”" for c in unknown[:20])
        problems.append(_("not recognised %(columns)s", columns=shown))
    if repeated:
        problems.append(
            _("repeated %(columns)s", columns=", ".join(f"“{c[:60]}”" for c in repeated))
        )
    hint = ""
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        hint = " " + _(
            "The file seems to be separated by semicolons or tabs; save it as CSV UTF-8."
        )
    expected = ", ".join(IMPORT_COLUMNS)
    message = _(
        "The header row (line 1) must have the columns %(expected)s, in any order. "
        "Columns %(problems)s.",
        expected=expected,
        problems="; ".join(problems),
    )
    return None, message + hint


class _Records:
    """(line the record starts on, cells) for each record; quoted cells may span lines."""

    def __init__(self, data: bytes) -> None:
        # "utf-8-sig" drops the byte-order mark Excel writes; the BytesIO shares ``data``.
        lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        self._reader = csv.reader(lines, strict=False)
        self._last = 0

    @property
    def line(self) -> int:
        return self._last + 1

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        cells = next(self._reader)
        start, self._last = self._last + 1, self._reader.line_num
        return start, cells


# --- checking it --------------------------------------------------------------------------


def max_rows() -> int:
    """The most channels one import may add (the IMPORT_MAX_ROWS setting)."""
    return int(current_app.config["IMPORT_MAX_ROWS"])


class _FileProblem(Exception):
    """Something wrong with the whole file, found while reading its rows."""


@dataclass(frozen=True)
class _Sheet:
    """A UTF-8 file whose header names every column: read its rows with ``drafts``."""

    data: bytes
    header: list[str]
    positions: dict[str, int]

    def drafts(self, today: date, cap: int) -> Iterator[tuple[Draft, list[RowError]]]:
        """Each non-blank row after the header, cleaned and checked on its own, one at a time.
        Raises _FileProblem past ``cap`` rows or where the CSV cannot be read."""
        records = _Records(self.data)
        count = 0
        try:
            _header_of(records)
            for line, cells in records:
                if not any(c.strip() for c in cells):
                    continue  # blank lines, and rows of empty cells that Excel leaves behind
                if count >= cap:
                    raise _FileProblem(
                        _(
                            "The file has more than %(limit)s channels (line %(line)d is past "
                            "the limit). Split it into smaller files and import each.",
                            limit=format(cap, ","),
                            line=line,
                        )
                    )
                count += 1
                yield self._draft(line, cells, today)
        except csv.Error as error:
            raise _FileProblem(_unreadable(records.line, error)) from error

    def _draft(self, line: int, cells: list[str], today: date) -> tuple[Draft, list[RowError]]:
        extra = [c for i, c in enumerate(cells) if i >= len(self.header) and c.strip()]
        values = {
            column: unformula(
                clean_text(cells[index], COLUMN_KINDS.get(column, TextKind.LINE)).strip()
            ).strip()
            if index < len(cells)
            else ""
            for column, index in self.positions.items()
        }
        draft, errors = check_cells(line, values, today)
        if extra:
            errors.insert(
                0,
                RowError(
                    line,
                    "(row)",
                    _(
                        "This row has %(cells)d cells but the header has %(columns)d: check for "
                        "a comma that should be inside quotes.",
                        cells=len(cells),
                        columns=len(self.header),
                    ),
                ),
            )
            draft.ok = False
        return draft, errors


def _header_of(records: _Records) -> list[str] | None:
    return next((cells for _line, cells in records if any(c.strip() for c in cells)), None)


def _unreadable(line: int, error: csv.Error) -> str:
    return _(
        "The file is not readable as CSV from line %(line)d on (%(error)s): check for a "
        "quotation mark that is opened and never closed.",
        line=line,
        error=error,
    )


def _open(data: bytes) -> _Sheet | str:
    """The decoded file with its columns found, or a message saying what is wrong with it."""
    problem = _encoding_problem(data)
    if problem:
        return problem
    records = _Records(data)
    try:
        header = _header_of(records)
    except csv.Error as error:
        return _unreadable(records.line, error)
    if header is None:
        return _(
            "The file is empty. The first line must name the columns: %(columns)s.",
            columns=", ".join(IMPORT_COLUMNS),
        )
    positions, problem = _columns(header)
    if problem or positions is None:
        return problem or _("The header row could not be read.")
    return _Sheet(data, header, positions)


def parse_channels_csv(data: bytes) -> ImportPreview:
    """Read and check the Communications team's spreadsheet of existing channels.

    Needs an app context (it looks up units, people, channels and proposals), but writes
    nothing. Row errors carry the file's line number, the header being line 1.
    """
    sheet = _open(data)
    if isinstance(sheet, str):
        return failed(sheet)
    drafts: list[Draft] = []
    errors: list[RowError] = []
    try:
        for draft, row_errors in sheet.drafts(agency_today(), max_rows()):
            drafts.append(draft)
            errors.extend(row_errors)
    except _FileProblem as problem:
        return failed(str(problem))
    if not drafts:
        return failed(_("The file has a header row but no channels under it."))
    return check_drafts(drafts, errors)


def stream_channels_csv(
    data: bytes, add: Callable[[list[ImportRow]], None], batch_size: int
) -> int | None:
    """Check ``data`` as ``parse_channels_csv`` does and hand the rows to ``add``,
    ``batch_size`` at a time, in one pass that keeps no row once its batch is added: memory
    stays flat whatever the file's length.

    Each batch is checked on its own, against the registry, and for repeats within it; a
    handle repeated across batches, or held by a live channel, is refused by the database's
    unique index when ``add`` inserts it. Returns how many rows were added, or None as soon
    as a row does not pass (rows may have reached ``add`` by then, so the caller rolls back
    and reports the file's problems with ``parse_channels_csv``, which checks it whole).
    """
    sheet = _open(data)
    if isinstance(sheet, str):
        return None
    added = 0
    batch: list[Draft] = []
    try:
        for draft, row_errors in sheet.drafts(agency_today(), max_rows()):
            if row_errors or not draft.ok:
                return None
            batch.append(draft)
            if len(batch) == batch_size:
                if not _add_checked(batch, add):
                    return None
                added, batch = added + len(batch), []
    except _FileProblem:
        return None
    if batch:
        if not _add_checked(batch, add):
            return None
        added += len(batch)
    return added or None


def _add_checked(drafts: list[Draft], add: Callable[[list[ImportRow]], None]) -> bool:
    """Check ``drafts`` against each other and the registry and, if every one passes, add
    them. False when one does not pass."""
    errors: list[RowError] = []
    first_line: dict[tuple[str, str], int] = {}
    for draft in drafts:
        note_duplicate(draft, first_line, errors)
    # Live channels holding these handles are left to the unique index: reading them here,
    # while this import's own rows pile up in a table the planner has not counted yet, made
    # each batch slower than the last on PostgreSQL (116 s for 100,000 rows).
    lookups = registry_lookups(first_line, {d.email for d in drafts if d.email}, channels=False)
    rows = [row for draft in drafts if (row := import_row(draft, lookups, errors)) is not None]
    if errors or len(rows) != len(drafts):
        return False
    add(rows)
    return True


def recheck_rows(rows: Sequence[tuple[int, Mapping[str, str]]]) -> ImportPreview:
    """Check rows kept from an earlier check again, now: the same cleaning and the same rules
    as a file, against the registry as it is at this moment (handles may have been taken,
    people deactivated since). ``rows`` are (line, cells by IMPORT_COLUMNS)."""
    if not rows:
        return failed("There are no channels to import.")
    if len(rows) > max_rows():
        return failed(f"There are more than {max_rows():,} channels: split them up.")
    today = agency_today()
    drafts: list[Draft] = []
    errors: list[RowError] = []
    for line, cells in rows:
        values = {
            column: clean_text(
                str(cells.get(column, "")), COLUMN_KINDS.get(column, TextKind.LINE)
            ).strip()
            for column in IMPORT_COLUMNS
        }
        draft, row_errors = check_cells(line, values, today)
        errors.extend(row_errors)
        drafts.append(draft)
    return check_drafts(drafts, errors)
