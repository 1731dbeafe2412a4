"""Reading an imported file: its encoding, its header, and its rows as drafts to check.

Reading never raises on bad input: what is wrong with the file as a whole comes back as one
message; what is wrong with a row, as that row's one problem.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.inventory.csv_checks import ROW, Draft, check_cells, shape_problem
from registry.inventory.csv_columns import (
    COLUMN_KINDS,
    IMPORT_COLUMNS,
    column_for_header,
    header_key,
    unformula,
)
from registry.policy.text import TextKind, clean_text

__all__ = ["FileProblem", "Sheet", "open_sheet"]

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


def _shown(cell: str) -> str:
    return clean_text(cell, TextKind.LINE).strip()


def _columns(header: list[str]) -> tuple[dict[str, int], dict[str, str]] | str:
    """Where each column the import reads is, and its heading as written; or a file-level
    error naming what's wrong. Columns the export writes for reading only (state, dates) are
    accepted and left alone."""
    positions: dict[str, int] = {}
    headings: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    has_code = any(header_key(cell) == "business unit code" for cell in header)
    for index, cell in enumerate(header):
        if not header_key(cell):
            continue
        column = column_for_header(cell, has_code)
        if column is None:
            unknown.append(_shown(cell))
        elif column.editable or column.key == "business unit name":
            if column.key in positions:
                repeated.append(_shown(cell))
            positions.setdefault(column.key, index)
            headings.setdefault(column.key, _shown(cell)[:60])
    missing = [c for c in IMPORT_COLUMNS if c not in positions]
    if not missing and not unknown and not repeated:
        return positions, headings
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
    message = _(
        "The header row (line 1) must have the columns %(expected)s, in any order. "
        "Columns %(problems)s.",
        expected=", ".join(IMPORT_COLUMNS),
        problems="; ".join(problems),
    )
    return message + hint


class _Records:
    """(line the record starts on, line it ends on, cells) for each record; quoted cells may
    span lines."""

    def __init__(self, data: bytes) -> None:
        # "utf-8-sig" drops the byte-order mark Excel writes; the BytesIO shares ``data``.
        lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        self._reader = csv.reader(lines, strict=False)
        self._last = 0

    @property
    def line(self) -> int:
        return self._last + 1

    def __iter__(self) -> Iterator[tuple[int, int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, int, list[str]]:
        cells = next(self._reader)
        start, self._last = self._last + 1, self._reader.line_num
        return start, self._last, cells


class FileProblem(Exception):
    """Something wrong with the whole file, found while reading its rows."""


@dataclass(frozen=True)
class Sheet:
    """A UTF-8 file whose header names every column: read its rows with ``drafts``."""

    data: bytes
    header: list[str]
    positions: dict[str, int]
    headings: dict[str, str]  # the import's name of a column -> its heading in this file

    def drafts(self, today: date, cap: int) -> Iterator[Draft]:
        """Each non-blank row after the header, cleaned and checked on its own, one at a time.
        Raises FileProblem past ``cap`` rows or where the CSV cannot be read."""
        records = _Records(self.data)
        count = 0
        try:
            _header_of(records)
            for line, end, cells in records:
                if not any(c.strip() for c in cells):
                    continue  # blank lines, and rows of empty cells that Excel leaves behind
                if count >= cap:
                    raise FileProblem(
                        _(
                            "The file has more than %(limit)s channels (line %(line)d is past "
                            "the limit). Split it into smaller files and import each.",
                            limit=format(cap, ","),
                            line=line,
                        )
                    )
                count += 1
                yield self._draft(line, end, cells, today)
        except csv.Error as error:
            raise FileProblem(_unreadable(records.line, error)) from error

    def _draft(self, line: int, end: int, cells: list[str], today: date) -> Draft:
        broken = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), None)
        if broken is not None:
            draft = Draft(line)
            draft.problem(ROW, self._runs_on(broken, line, end))
            return draft
        # Empty cells past the header's last heading are what a spreadsheet leaves behind.
        columns = max((i + 1 for i, c in enumerate(self.header) if c.strip()), default=0)
        width = max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)
        if len(cells) < columns or width > columns:
            draft = Draft(line)
            shape_problem(draft, width if width > columns else len(cells), columns)
            return draft
        values = {
            column: unformula(
                clean_text(cells[index], COLUMN_KINDS.get(column, TextKind.LINE)).strip()
            ).strip()
            for column, index in self.positions.items()
        }
        return check_cells(line, values, today)

    def _runs_on(self, index: int, line: int, end: int) -> str:
        column = _shown(self.header[index]) if index < len(self.header) else str(index + 1)
        return _(
            "The cell in column “%(column)s” runs from line %(line)d over to line %(end)d. A "
            'quotation mark opened and never closed does this: close it ("like this") or '
            "remove it. So does a line break typed in the cell: remove it.",
            column=column[:60],
            line=line,
            end=end,
        )


def _header_of(records: _Records) -> list[str] | None:
    return next((cells for _line, _end, cells in records if any(c.strip() for c in cells)), None)


def _unreadable(line: int, error: csv.Error) -> str:
    return _(
        "The file is not readable as CSV from line %(line)d on (%(error)s): check for a "
        "quotation mark that is opened and never closed.",
        line=line,
        error=error,
    )


def open_sheet(data: bytes) -> Sheet | str:
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
    found = _columns(header)
    if isinstance(found, str):
        return found
    positions, headings = found
    return Sheet(data, header, positions, headings)
