"""The inventory CSV files' columns and limits, and how a cell is kept from being a formula."""

from __future__ import annotations

from registry.policy.text import TextKind

__all__ = [
    "COLUMN_KINDS",
    "COLUMN_LIMITS",
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "MAX_CELL_CHARS",
    "quoted",
    "safe_cell",
    "unformula",
]

EXPORT_COLUMNS = (
    "reference",
    "name",
    "platform",
    "handle",
    "url",
    "business_unit_code",
    "business_unit",
    "state",
    "liaison_email",
    "approved_on",
    "went_live_on",
    "review_due",
    "charter_number",
    "no_charter_on_record",
    "decommissioned_on",
)

# The spreadsheet's columns, as people write them (compared case- and space-insensitively).
IMPORT_COLUMNS = (
    "name",
    "platform",
    "handle",
    "url",
    "business unit",
    "liaison email",
    "date started",
)

MAX_CELL_CHARS = 500
# Lengths of the Channel columns the cells go into.
COLUMN_LIMITS = {"name": 200, "handle": 200, "url": 500}
# Each cell is cleaned as the form field for the same thing is (registry.policy.text).
COLUMN_KINDS = {
    "handle": TextKind.IDENTIFIER,
    "url": TextKind.IDENTIFIER,
    "liaison email": TextKind.IDENTIFIER,
}

# OWASP's CSV injection advice: spreadsheets treat a cell starting with any of these as a
# formula (tab and CR because Excel strips them and looks at what follows).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(_FORMULA_TRIGGERS)  # each one character: ``cell[:1] in`` tests it


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it literally: a would-be formula gets a leading "'"."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def unformula(cell: str) -> str:
    """Undo safe_cell's "'" so an exported value reads back as itself."""
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def quoted(text: str, limit: int = 60) -> str:
    """A cell's text quoted for a message, on one line and cut short."""
    flat = " ".join(text.split())
    return f"“{flat[: limit - 1]}…”" if len(flat) > limit else f"“{flat}”"
