"""Checking the rows of an imported file: each cell, then the whole file against the registry."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from registry.auth.models import email_lookup_key
from registry.inventory.csv_columns import COLUMN_LIMITS, IMPORT_COLUMNS, MAX_CELL_CHARS, quoted
from registry.inventory.csv_lookups import (
    Lookups,
    date_problem,
    live_channel_handles,
    load_units,
    load_users,
    open_proposal_handles,
    parse_date,
    platform_of,
)
from registry.policy.platforms import (
    PLATFORMS,
    channel_url_problem,
    handle_problem,
    normalise_handle,
)

__all__ = [
    "Draft",
    "ImportPreview",
    "ImportRow",
    "RowError",
    "check_cells",
    "check_drafts",
    "failed",
    "import_row",
    "note_duplicate",
    "registry_lookups",
    "sort_errors",
]

_EARLIEST_START = date(1990, 1, 1)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # the file's line number; the header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid-looking row, ready to become a Channel."""

    line: int
    name: str
    platform: str
    handle: str
    handle_key: str
    channel_url: str
    business_unit_id: int
    liaison_id: int
    started_on: date
    # The cells as written, so the row can be checked again later (see recheck_rows).
    business_unit: str = ""
    liaison_email: str = ""

    def cells(self) -> dict[str, str]:
        """The row as cleaned cells by IMPORT_COLUMNS, as recheck_rows takes them."""
        return {
            "name": self.name,
            "platform": self.platform,
            "handle": self.handle,
            "url": self.channel_url,
            "business unit": self.business_unit,
            "liaison email": self.liaison_email,
            "date started": self.started_on.isoformat(),
        }


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors and bool(self.rows)

    def summary(self) -> str:
        """One sentence for a flash message or an exception."""
        if self.file_error:
            return self.file_error
        if self.errors:
            return ngettext(
                "The file has %(num)d problem, so nothing was imported. The first: %(first)s",
                "The file has %(num)d problems, so nothing was imported. The first: %(first)s",
                len(self.errors),
                first=self.errors[0],
            )
        if not self.rows:
            return _("The file has a header row but no channels under it.")
        return ngettext(
            "%(num)d channel ready to import.", "%(num)d channels ready to import.", len(self.rows)
        )


def failed(message: str) -> ImportPreview:
    """A preview that refuses the whole file with one message."""
    return ImportPreview(file_error=message)


# --- checking each row --------------------------------------------------------------------


@dataclass(slots=True)
class Draft:
    """A row's cleaned cells, before the checks that need the whole file or the database."""

    line: int
    name: str = ""
    platform: str = ""
    handle: str = ""
    handle_key: str = ""
    url: str = ""
    unit: str = ""
    email: str = ""
    started_on: date | None = None
    business_unit_id: int | None = None
    liaison_id: int | None = None
    ok: bool = True


def check_cells(line: int, cells: dict[str, str], today: date) -> tuple[Draft, list[RowError]]:
    """Checks that need nothing but the row itself."""
    errors: list[RowError] = []
    draft = Draft(line)

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))
        draft.ok = False

    usable: dict[str, str] = {}
    for column in IMPORT_COLUMNS:
        value = cells[column]
        limit = min(MAX_CELL_CHARS, COLUMN_LIMITS.get(column, MAX_CELL_CHARS))
        if len(value) > limit:
            error(
                column,
                _(
                    "Shorten this to at most %(limit)d characters (it has %(length)d).",
                    limit=limit,
                    length=len(value),
                ),
            )
        else:
            usable[column] = value

    if "name" in usable:
        draft.name = " ".join(usable["name"].split())
        if not draft.name:
            error("name", _("Enter the channel's name."))

    if "platform" in usable:
        raw = usable["platform"]
        draft.platform = platform_of(raw)
        if not draft.platform:
            choices = ", ".join(PLATFORMS.values())
            error(
                "platform",
                _("Enter the platform (%(choices)s).", choices=choices)
                if not raw
                else _(
                    "%(value)s is not a platform the registry knows. Use one of: %(choices)s.",
                    value=quoted(raw),
                    choices=choices,
                ),
            )

    if "handle" in usable and draft.platform:
        draft.handle = usable["handle"]
        problem = handle_problem(draft.platform, draft.handle)
        if problem:
            error("handle", problem)
        else:
            draft.handle_key = normalise_handle(draft.platform, draft.handle)

    if "url" in usable and usable["url"] and draft.platform:
        draft.url = usable["url"]
        handle = draft.handle if draft.handle_key else ""
        problem = channel_url_problem(draft.platform, handle, draft.url)
        if problem:
            error("url", problem)

    if "business unit" in usable:
        draft.unit = " ".join(usable["business unit"].split())
        if not draft.unit:
            error("business unit", _("Enter the business unit's code or name, e.g. POL or Policy."))

    if "liaison email" in usable:
        draft.email = email_lookup_key(usable["liaison email"])
        if not draft.email:
            error("liaison email", _("Enter the email address of the Communications liaison."))

    if "date started" in usable:
        raw = usable["date started"]
        started = parse_date(raw)
        if not raw:
            error("date started", _("Enter the date the channel started, e.g. 2021-03-15."))
        elif started is None:
            error(
                "date started",
                date_problem(raw)
                or _(
                    "%(value)s is not a date: write it as YYYY-MM-DD (2021-03-15) or DD/MM/YYYY "
                    "(15/03/2021).",
                    value=quoted(raw),
                ),
            )
        elif started > today:
            error(
                "date started",
                _(
                    "%(day)s is in the future: give the date the channel started.",
                    day=started.isoformat(),
                ),
            )
        elif started < _EARLIEST_START:
            error(
                "date started", _("%(day)s is too early: check the year.", day=started.isoformat())
            )
        else:
            draft.started_on = started
    return draft, errors


def _check_against_registry(draft: Draft, lookups: Lookups) -> list[RowError]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(draft.line, column, message))

    unit_id = None
    if draft.unit:
        unit_id = lookups.units_by_code.get(draft.unit.upper()) or lookups.units_by_name.get(
            draft.unit
        )
        if unit_id is None:
            candidates = lookups.units_by_folded_name.get(draft.unit.casefold(), [])
            unit_id = candidates[0] if len(candidates) == 1 else None
        if unit_id is None:
            error(
                "business unit",
                _(
                    "No business unit has the code or name %(unit)s. Use one of: %(choices)s.",
                    unit=quoted(draft.unit),
                    choices=lookups.unit_choices,
                ),
            )
    liaison_id = None
    if draft.email:
        user = lookups.users.get(draft.email)
        if user is None:
            error(
                "liaison email",
                _(
                    "No one in the registry has the email %(email)s: use the email of someone "
                    "already registered, or add them first.",
                    email=quoted(draft.email),
                ),
            )
        elif not user[1]:
            error(
                "liaison email",
                _(
                    "%(name)s's account (%(email)s) is deactivated: choose an active liaison.",
                    name=user[2],
                    email=draft.email,
                ),
            )
        else:
            liaison_id = user[0]
    if draft.handle_key:
        key = (draft.platform, draft.handle_key)
        label = PLATFORMS[draft.platform]
        for holders in (lookups.channels, lookups.proposals):
            if key in holders:
                error(
                    "handle",
                    _(
                        "%(handle)s on %(platform)s is already %(holder)s; leave it out of the "
                        "file.",
                        handle=quoted(draft.handle),
                        platform=label,
                        holder=holders[key],
                    ),
                )
                break
    draft.business_unit_id = unit_id
    draft.liaison_id = liaison_id
    return errors


def _error_order(error: RowError) -> tuple[int, int]:
    column = IMPORT_COLUMNS.index(error.column) if error.column in IMPORT_COLUMNS else -1
    return error.line, column


# --- checking the whole file --------------------------------------------------------------


def note_duplicate(
    draft: Draft, first_line: dict[tuple[str, str], int], errors: list[RowError]
) -> None:
    """Duplicates within the file: the first line keeps the handle, each later one is an
    error. ``first_line`` maps (platform, handle key) to that first line."""
    if not draft.handle_key:
        return
    key = (draft.platform, draft.handle_key)
    if key in first_line:
        errors.append(
            RowError(
                draft.line,
                "handle",
                _(
                    "%(handle)s on %(platform)s is on lines %(first)d and %(line)d: list each "
                    "channel once.",
                    handle=quoted(draft.handle),
                    platform=PLATFORMS[draft.platform],
                    first=first_line[key],
                    line=draft.line,
                ),
            )
        )
        draft.ok = False
    else:
        first_line[key] = draft.line


def registry_lookups(
    handle_keys: Collection[tuple[str, str]], emails: Iterable[str], *, channels: bool = True
) -> Lookups:
    """What the file's rows refer to in the registry, read in a handful of queries.
    ``handle_keys`` are (platform, handle key), each once. Without ``channels`` the live
    channels holding those handles are not read: for a caller whose inserts the unique index
    on live handles checks anyway."""
    return Lookups(
        *load_units(),
        users=load_users(emails),
        channels=live_channel_handles(handle_keys) if channels else {},
        proposals=open_proposal_handles(handle_keys),
    )


def import_row(draft: Draft, lookups: Lookups, errors: list[RowError]) -> ImportRow | None:
    """The row ``draft`` becomes if it passes the checks against the registry; what does not
    pass is added to ``errors``."""
    row_errors = _check_against_registry(draft, lookups)
    errors.extend(row_errors)
    if (
        not draft.ok
        or row_errors
        or draft.started_on is None
        or draft.business_unit_id is None
        or draft.liaison_id is None
    ):
        return None
    return ImportRow(
        line=draft.line,
        name=draft.name,
        platform=draft.platform,
        handle=draft.handle,
        handle_key=draft.handle_key,
        channel_url=draft.url,
        business_unit_id=draft.business_unit_id,
        liaison_id=draft.liaison_id,
        started_on=draft.started_on,
        business_unit=draft.unit,
        liaison_email=draft.email,
    )


def sort_errors(errors: list[RowError]) -> None:
    """In the file's order: by line, then by column as the header lists them."""
    errors.sort(key=_error_order)


def check_drafts(drafts: list[Draft], errors: list[RowError]) -> ImportPreview:
    """The checks that need the whole file or the registry, and the rows that pass them."""
    first_line: dict[tuple[str, str], int] = {}
    for draft in drafts:
        note_duplicate(draft, first_line, errors)
    lookups = registry_lookups(first_line, (d.email for d in drafts if d.email))
    rows = [row for draft in drafts if (row := import_row(draft, lookups, errors)) is not None]
    sort_errors(errors)
    return ImportPreview(rows=rows, errors=errors)
