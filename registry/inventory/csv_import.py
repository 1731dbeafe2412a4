"""Reading the spreadsheet of existing channels the Communications team keeps, to import it.

Parsing never raises on bad input: everything wrong with the file comes back in an
ImportPreview, as one file-level message or as errors naming the line and column to fix.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Mapping, Sequence

from flask import current_app

from registry.auth.offices import agency_today
from registry.inventory.csv_checks import (
    Draft,
    ImportPreview,
    RowError,
    check_cells,
    check_drafts,
    failed,
)
from registry.inventory.csv_columns import COLUMN_KINDS, IMPORT_COLUMNS, unformula
from registry.policy.text import TextKind, clean_text

__all__ = ["parse_channels_csv", "recheck_rows"]


# --- reading the file ---------------------------------------------------------------------

_SAVE_AS_UTF8 = (
    "Save the file as CSV UTF-8: in Excel choose File > Save As > “CSV UTF-8 (Comma delimited)”"
    " (not “CSV (Comma delimited)” or “Unicode Text”); in Google Sheets use File > Download >"
    " Comma-separated values. Then import it again."
)


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """The file's text, or a file-level error explaining how to save it as UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)):
        return None, f"The file is UTF-16 (“Unicode Text”), not CSV UTF-8. {_SAVE_AS_UTF8}"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, (
            f"The file is not UTF-8 text (the first character that is not is on line {line}); "
            f"it was probably saved in a Windows or Mac code page, which mangles macrons as in "
            f"“Māori”. {_SAVE_AS_UTF8}"
        )
    # UTF-16 without a byte-order mark decodes as "valid" UTF-8 full of NULs.
    if "\x00" in text:
        return None, f"The file looks like UTF-16 (“Unicode Text”), not CSV UTF-8. {_SAVE_AS_UTF8}"
    return text, None


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
        problems.append("missing " + ", ".join(f"“{c}”" for c in missing))
    if unknown:
        shown = ", ".join(f"“{c[:60]}”" for c in unknown[:20])
        problems.append(f"not recognised {shown}")
    if repeated:
        problems.append("repeated " + ", ".join(f"“{c[:60]}”" for c in repeated))
    hint = ""
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t")):
        hint = " The file seems to be separated by semicolons or tabs; save it as CSV UTF-8."
    expected = ", ".join(IMPORT_COLUMNS)
    return None, (
        f"The header row (line 1) must have the columns {expected}, in any order. "
        f"Columns {'; '.join(problems)}.{hint}"
    )


class _Records:
    """(line the record starts on, cells) for each record; quoted cells may span lines."""

    def __init__(self, text: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=False)
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


def parse_channels_csv(data: bytes) -> ImportPreview:
    """Read and check the Communications team's spreadsheet of existing channels.

    Needs an app context (it looks up units, people, channels and proposals), but writes
    nothing. Row errors carry the file's line number, the header being line 1.
    """
    text, problem = _decode(data)
    if problem or text is None:
        return failed(problem or "The file could not be read.")
    records = _Records(text)
    try:
        header = next((cells for _, cells in records if any(c.strip() for c in cells)), None)
        if header is None:
            return failed(
                "The file is empty. The first line must name the columns: "
                + ", ".join(IMPORT_COLUMNS)
                + "."
            )
        positions, problem = _columns(header)
        if problem or positions is None:
            return failed(problem or "The header row could not be read.")
        today = agency_today()
        cap = max_rows()
        drafts: list[Draft] = []
        errors: list[RowError] = []
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue  # blank lines, and rows of empty cells that Excel leaves behind
            if len(drafts) >= cap:
                return failed(
                    f"The file has more than {cap:,} channels (line {line} is past the "
                    "limit). Split it into smaller files and import each."
                )
            extra = [c for i, c in enumerate(cells) if i >= len(header) and c.strip()]
            if extra:
                errors.append(
                    RowError(
                        line,
                        "(row)",
                        f"This row has {len(cells)} cells but the header has {len(header)}: "
                        "check for a comma that should be inside quotes.",
                    )
                )
            values = {
                column: unformula(
                    clean_text(cells[index], COLUMN_KINDS.get(column, TextKind.LINE)).strip()
                ).strip()
                if index < len(cells)
                else ""
                for column, index in positions.items()
            }
            draft, row_errors = check_cells(line, values, today)
            errors.extend(row_errors)
            if extra:
                draft.ok = False
            drafts.append(draft)
    except csv.Error as error:
        return failed(
            f"The file is not readable as CSV from line {records.line} on ({error}): check for "
            "a quotation mark that is opened and never closed."
        )

    if not drafts:
        return failed("The file has a header row but no channels under it.")
    return check_drafts(drafts, errors)


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
