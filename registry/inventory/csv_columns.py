"""The inventory CSV files' columns, and how a cell is kept from being a formula.

One list of columns serves the export, the import and the template to download, so the three
cannot drift apart: whatever the export writes, the import reads back.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from registry.policy.text import TextKind

__all__ = [
    "COLUMNS",
    "COLUMN_KINDS",
    "COLUMN_LIMITS",
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "MAX_CELL_CHARS",
    "Column",
    "column_for_header",
    "header_key",
    "quoted",
    "safe_cell",
    "template_csv",
    "unformula",
]


@dataclass(frozen=True)
class Column:
    """One column of the inventory's CSV files."""

    heading: str  # as the export and the template write it
    key: str  # the import's name for it; a column people write by hand is found by this too
    editable: bool  # the import reads it; otherwise it is the registry's to say, and ignored
    example: str = ""  # the template's example row
    note: object = ""  # what to write in it, for the import page's notes (a lazy string)
    required: bool = True  # an editable column the header must have


# In the export's order. The import finds a column by its heading or its key, compared case-,
# space- and underscore-insensitively, in any order; "business unit" is the code column when
# the file has no "business unit code" column (a spreadsheet written by hand), and the name
# column the export writes beside the code otherwise.
COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        "reference",
        editable=True,
        required=False,
        note=_l(
            "The registry's reference for a channel it has (C-0012), as the export writes it. "
            "Leave it empty for a channel new to the registry. A row whose platform and handle "
            "are a channel's already counts as that channel."
        ),
    ),
    Column(
        "name",
        "name",
        editable=True,
        example="Ethnic Communities NZ",
        note=_l("The channel's name as people see it on the platform."),
    ),
    Column(
        "platform",
        "platform",
        editable=True,
        example="Facebook",
        note=_l("Facebook, Instagram, LinkedIn, X (or Twitter), YouTube, TikTok, and so on."),
    ),
    Column(
        "handle",
        "handle",
        editable=True,
        example="EthnicCommunitiesNZ",
        note=_l("The channel's handle or page name on the platform."),
    ),
    Column(
        "url",
        "url",
        editable=True,
        example="https://www.facebook.com/EthnicCommunitiesNZ",
        note=_l("The channel's address, starting https://; may be empty."),
    ),
    Column(
        "business_unit_code",
        "business unit",
        editable=True,
        example="POL",
        note=_l("The business unit's code (POL) or name (Policy)."),
    ),
    Column("business_unit", "business unit name", editable=False),
    Column("state", "state", editable=False),
    Column(
        "liaison_email",
        "liaison email",
        editable=True,
        example="comms.liaison@example.govt.nz",
        note=_l("The Communications liaison's email; they must be registered already."),
    ),
    Column(
        "date_started",
        "date started",
        editable=True,
        example="2021-03-15",
        note=_l("The date the channel started, as 2021-03-15 or 15/03/2021."),
    ),
    Column("approved_on", "approved on", editable=False),
    Column("went_live_on", "went live on", editable=False),
    Column("review_due", "review due", editable=False),
    Column("charter_number", "charter number", editable=False),
    Column("no_charter_on_record", "no charter on record", editable=False),
    Column("decommissioned_on", "decommissioned on", editable=False),
)

EXPORT_COLUMNS = tuple(column.heading for column in COLUMNS)
# The columns the import reads, by their keys; every one but "reference" must be in the header.
IMPORT_COLUMNS = tuple(c.key for c in COLUMNS if c.editable and c.required)
EDITABLE_COLUMNS = tuple(c.key for c in COLUMNS if c.editable)


def header_key(cell: str) -> str:
    """A header cell as the import compares it: case, spaces and underscores ignored."""
    return " ".join(cell.replace("_", " ").split()).casefold()


# By heading, then by key: "business unit" is the editable column's key (a spreadsheet written
# by hand names the unit so), though the export writes the unit's name under that heading.
_BY_HEADER = {header_key(c.heading): c for c in COLUMNS} | {
    header_key(c.key): c for c in COLUMNS if c.editable
}
_UNIT_NAME = next(c for c in COLUMNS if c.key == "business unit name")


def column_for_header(cell: str, has_code_column: bool) -> Column | None:
    """The column a header cell names, or None for one the registry does not know.
    ``has_code_column``: the file also has a "business unit code" column."""
    key = header_key(cell)
    if key == "business unit" and has_code_column:
        return _UNIT_NAME
    return _BY_HEADER.get(key)


def template_csv() -> str:
    """A CSV file of the columns the import reads, with one example row: the file to fill in
    for channels new to the registry."""
    editable = [c for c in COLUMNS if c.editable]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.heading for c in editable])
    writer.writerow([safe_cell(c.example) for c in editable])
    return buffer.getvalue()


MAX_CELL_CHARS = 500
# Lengths of the Channel columns the cells go into.
COLUMN_LIMITS = {"name": 200, "handle": 200, "url": 500, "reference": 20}
# Each cell is cleaned as the form field for the same thing is (registry.policy.text).
COLUMN_KINDS = {
    "handle": TextKind.IDENTIFIER,
    "url": TextKind.IDENTIFIER,
    "liaison email": TextKind.IDENTIFIER,
    "reference": TextKind.IDENTIFIER,
}

# OWASP's CSV injection advice: spreadsheets treat a cell starting with any of these as a
# formula (tab and CR because Excel strips them and looks at what follows).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(_FORMULA_TRIGGERS)  # each one character: ``cell[:1] in`` tests it


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it literally: a would-be formula gets a leading "'".
    So does a value that already starts with "'" before one, so that unformula gives back
    "'=x" as itself rather than as "=x"."""
    return "'" + value if value.lstrip("'").startswith(_FORMULA_TRIGGERS) else value


def unformula(cell: str) -> str:
    """Undo safe_cell's "'" so an exported value reads back as itself."""
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def quoted(text: str, limit: int = 60) -> str:
    """A cell's text quoted for a message, on one line and cut short."""
    flat = " ".join(text.split())
    return f"“{flat[: limit - 1]}…”" if len(flat) > limit else f"“{flat}”"
