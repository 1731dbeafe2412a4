"""Checking one row of an imported file on its own: its shape, then each cell.

A row's problems are kept by column, the first found for each, and reported as one error for
the row: the first problem in the header's order, naming the other columns to check too. A
problem that only follows from another (a handle on a platform the registry does not know,
every cell of a row whose cells are shifted) is never looked for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from registry.auth.models import email_lookup_key
from registry.inventory.csv_columns import COLUMN_LIMITS, COLUMNS, MAX_CELL_CHARS, quoted
from registry.inventory.csv_lookups import date_problem, parse_date, platform_of
from registry.inventory.csv_results import RowError
from registry.policy.platforms import (
    PLATFORMS,
    channel_url_problem,
    handle_problem,
    normalise_handle,
)

__all__ = ["ROW", "Draft", "check_cells", "parse_reference", "row_error", "shape_problem"]

ROW = "(row)"  # a problem with the row as a whole, not one cell
_EARLIEST_START = date(1990, 1, 1)
_ORDER = {column: index for index, column in enumerate((ROW, *(c.key for c in COLUMNS)))}
_REFERENCE = re.compile(r"c-?0*([0-9]{1,9})", re.IGNORECASE)


@dataclass(slots=True)
class Draft:
    """A row's cleaned cells and what they name, before the checks that need the whole file
    or the database."""

    line: int
    cells: dict[str, str] = field(default_factory=dict)  # cleaned, by the import's column names
    name: str = ""
    platform: str = ""
    handle: str = ""
    handle_key: str = ""
    url: str = ""
    unit: str = ""
    unit_name: str = ""  # the export's read-only unit name column, where the file has it
    email: str = ""
    started_on: date | None = None
    channel_id: int | None = None  # the row's reference, then the channel it turns out to be
    business_unit_id: int | None = None
    liaison_id: int | None = None
    problems: dict[str, str] = field(default_factory=dict)  # column -> the first problem
    live: bool = True  # False for a row that is a decommissioned channel: it holds no handle

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, column: str, message: str) -> None:
        self.problems.setdefault(column, message)


def parse_reference(text: str) -> int | None:
    """The channel id a reference names ("C-0012", "c12"), or None."""
    match = _REFERENCE.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def shape_problem(draft: Draft, cells: int, columns: int) -> None:
    """A row with more or fewer cells than the header: its cells are shifted, so none of them
    is checked, and this is the row's one problem."""
    if cells > columns:
        message = _(
            "This row has %(cells)d cells but the header has %(columns)d: a comma inside a "
            'cell needs the cell in quotation marks ("Policy, Research").',
            cells=cells,
            columns=columns,
        )
    else:
        message = _(
            "This row has %(cells)d cells but the header has %(columns)d: add the missing "
            "cells (empty ones too), or join the row back together if it was split across "
            "lines.",
            cells=cells,
            columns=columns,
        )
    draft.problem(ROW, message)


def check_cells(line: int, cells: Mapping[str, str], today: date) -> Draft:
    """The checks that need nothing but the row itself. ``cells`` are by the import's column
    names; "reference" and "business unit name" may be absent."""
    draft = Draft(line, cells=dict(cells))
    usable: dict[str, str] = {}
    for column, value in cells.items():
        limit = min(MAX_CELL_CHARS, COLUMN_LIMITS.get(column, MAX_CELL_CHARS))
        if len(value) > limit:
            draft.problem(
                column,
                _(
                    "Shorten this to at most %(limit)d characters (it has %(length)d).",
                    limit=limit,
                    length=len(value),
                ),
            )
        else:
            usable[column] = value

    if reference := usable.get("reference", ""):
        draft.channel_id = parse_reference(reference)
        if draft.channel_id is None:
            draft.problem(
                "reference",
                _(
                    "%(value)s is not a reference: write it as the export does (C-0012), or "
                    "leave it empty for a channel new to the registry.",
                    value=quoted(reference),
                ),
            )

    if "name" in usable:
        draft.name = " ".join(usable["name"].split())
        if not draft.name:
            draft.problem("name", _("Enter the channel's name."))

    if "platform" in usable:
        _check_platform(draft, usable)

    if "business unit" in usable:
        draft.unit = " ".join(usable["business unit"].split())
        if not draft.unit:
            draft.problem(
                "business unit", _("Enter the business unit's code or name, e.g. POL or Policy.")
            )
    draft.unit_name = " ".join(usable.get("business unit name", "").split())

    if "liaison email" in usable:
        draft.email = email_lookup_key(usable["liaison email"])
        if not draft.email:
            draft.problem(
                "liaison email", _("Enter the email address of the Communications liaison.")
            )

    if "date started" in usable:
        _check_date(draft, usable["date started"], today)
    return draft


def _check_platform(draft: Draft, usable: dict[str, str]) -> None:
    """The platform, then the handle and address, which only mean something on a platform."""
    raw = usable["platform"]
    draft.platform = platform_of(raw)
    if not draft.platform:
        choices = ", ".join(PLATFORMS.values())
        draft.problem(
            "platform",
            _("Enter the platform (%(choices)s).", choices=choices)
            if not raw
            else _(
                "%(value)s is not a platform the registry knows. Use one of: %(choices)s.",
                value=quoted(raw),
                choices=choices,
            ),
        )
        return
    if "handle" in usable:
        draft.handle = usable["handle"]
        problem = handle_problem(draft.platform, draft.handle)
        if problem:
            draft.problem("handle", problem)
        else:
            draft.handle_key = normalise_handle(draft.platform, draft.handle)
    if usable.get("url"):
        draft.url = usable["url"]
        # Against a handle that is wrong itself, the address would only repeat its problem.
        if draft.handle_key or "handle" not in usable:
            problem = channel_url_problem(draft.platform, draft.handle, draft.url)
            if problem:
                draft.problem("url", problem)


def _check_date(draft: Draft, raw: str, today: date) -> None:
    started = parse_date(raw)
    if not raw:
        draft.problem("date started", _("Enter the date the channel started, e.g. 2021-03-15."))
    elif started is None:
        draft.problem(
            "date started",
            date_problem(raw)
            or _(
                "%(value)s is not a date: write it as YYYY-MM-DD (2021-03-15) or DD/MM/YYYY "
                "(15/03/2021).",
                value=quoted(raw),
            ),
        )
    elif started > today:
        draft.problem(
            "date started",
            _(
                "%(day)s is in the future: give the date the channel started.",
                day=started.isoformat(),
            ),
        )
    elif started < _EARLIEST_START:
        draft.problem(
            "date started", _("%(day)s is too early: check the year.", day=started.isoformat())
        )
    else:
        draft.started_on = started


def row_error(draft: Draft, headings: Mapping[str, str] | None = None) -> RowError | None:
    """The row's one error: its first problem in the header's order, naming any other column
    with a problem of its own. None when the row has no problem."""
    if not draft.problems:
        return None
    headings = headings or {}
    columns = sorted(draft.problems, key=lambda column: _ORDER.get(column, len(_ORDER)))
    first, others = columns[0], columns[1:]
    message = draft.problems[first]
    if others:
        message += " " + _(
            "Also check %(columns)s in this row.",
            columns=", ".join(f"“{headings.get(c, c)}”" for c in others),
        )
    return RowError(draft.line, first, message, headings.get(first, ""))
