"""The inventory as CSV: exporting it for spreadsheets, and reading the spreadsheet of existing
channels the Communications team already keeps so it can be imported.

Parsing never raises on bad input: everything wrong with the file comes back in an
ImportPreview, as one file-level message or as errors naming the line and column to fix.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from flask import current_app
from sqlalchemy import select

from registry.auth.models import BusinessUnit, User, email_lookup_key
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.extensions import db
from registry.policy.platforms import (
    PLATFORMS,
    channel_url_problem,
    handle_problem,
    normalise_handle,
)
from registry.policy.text import TextKind, clean_text
from registry.proposals.models import CLAIMING_STATES, Proposal
from registry.timeutil import local_date

__all__ = [
    "EXPORT_COLUMNS",
    "IMPORT_COLUMNS",
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "ImportPreview",
    "ImportRow",
    "RowError",
    "export_rows",
    "parse_channels_csv",
    "recheck_rows",
    "safe_cell",
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

MAX_ROWS = 20_000
MAX_CELL_CHARS = 500
# Lengths of the Channel columns the cells go into.
_COLUMN_LIMITS = {"name": 200, "handle": 200, "url": 500}
# Each cell is cleaned as the form field for the same thing is (registry.policy.text).
_COLUMN_KINDS = {
    "handle": TextKind.IDENTIFIER,
    "url": TextKind.IDENTIFIER,
    "liaison email": TextKind.IDENTIFIER,
}
_EARLIEST_START = date(1990, 1, 1)
_BATCH = 500  # rows per charter-number lookup; also the IN-list size for preloading

# OWASP's CSV injection advice: spreadsheets treat a cell starting with any of these as a
# formula (tab and CR because Excel strips them and looks at what follows).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


# --- export -------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet shows it literally: a would-be formula gets a leading "'"."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _charter_numbers_for(channels: Sequence[Channel]) -> dict[int, str]:
    ids = {c.proposal_id for c in channels if c.proposal_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Charter.proposal_id, Charter.number).where(Charter.proposal_id.in_(ids))
    )
    return {proposal_id: number for proposal_id, number in rows}


def export_rows(
    channels: Iterable[Channel],
    bom: bool,
    charter_numbers: Mapping[int, str] | None = None,
) -> Iterator[str]:
    """CSV text for ``channels``: the header, then one line per channel, as separate chunks.

    Holds at most a batch of channels at a time, so a streamed response stays small however
    large the inventory. Charter numbers come from ``charter_numbers`` (proposal id → number)
    when given, else from one query per batch. ``bom`` starts the text with a UTF-8 byte-order
    mark, which Excel needs to read the file as UTF-8 rather than the Windows code page.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in cells])
        return buffer.getvalue()

    tz_name = current_app.config["AGENCY_TIMEZONE"]
    header = line(EXPORT_COLUMNS)
    yield ("\ufeff" + header) if bom else header
    iterator = iter(channels)
    while batch := list(islice(iterator, _BATCH)):
        numbers = charter_numbers if charter_numbers is not None else _charter_numbers_for(batch)
        for channel in batch:
            charter = numbers.get(channel.proposal_id, "") if channel.proposal_id else ""
            yield line(
                (
                    channel.reference,
                    channel.name,
                    channel.platform,
                    channel.handle,
                    channel.channel_url,
                    channel.business_unit.code,
                    channel.business_unit.name,
                    channel.state,
                    channel.liaison.email if channel.liaison else "",
                    _iso(local_date(channel.approved_at, tz_name) if channel.approved_at else None),
                    _iso(
                        local_date(channel.went_live_at, tz_name) if channel.went_live_at else None
                    ),
                    _iso(channel.review_due),
                    charter,
                    "yes" if channel.no_charter else "no",
                    _iso(channel.decommissioned_on),
                )
            )
        # Drop the batch before reading the next one, so only one is ever alive.
        del batch


# --- import: results ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int  # the file's line number; the header is line 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
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
            count = len(self.errors)
            noun = "problem" if count == 1 else "problems"
            return (
                f"The file has {count} {noun}, so nothing was imported. The first: {self.errors[0]}"
            )
        if not self.rows:
            return "The file has a header row but no channels under it."
        count = len(self.rows)
        return f"{count} channel{'' if count == 1 else 's'} ready to import."


def _failed(message: str) -> ImportPreview:
    return ImportPreview(file_error=message)


# --- import: reading the file -------------------------------------------------------------

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


# --- import: checking each cell -----------------------------------------------------------

_PLATFORM_ALIASES = {
    "twitter": "x",
    "xtwitter": "x",
    "twitterx": "x",
    "xformerlytwitter": "x",
    "whatsapp": "whatsapp-channel",
}


def _platform_token(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_PLATFORM_LOOKUP = {
    **{_platform_token(key): key for key in PLATFORMS},
    **{_platform_token(label): key for key, label in PLATFORMS.items()},
    **_PLATFORM_ALIASES,
}

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NZ_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _unformula(cell: str) -> str:
    """Undo safe_cell's "'" so an exported value reads back as itself."""
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _parse_date(text: str) -> date | None:
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NZ_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _shown(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return f"“{flat[: limit - 1]}…”" if len(flat) > limit else f"“{flat}”"


@dataclass
class _Lookups:
    """What the rows refer to, loaded in a handful of queries rather than one per row."""

    units_by_code: dict[str, int]
    units_by_name: dict[str, int]
    units_by_folded_name: dict[str, list[int]]
    unit_choices: str
    users: dict[str, tuple[int, bool, str]]  # email key -> (id, active, display name)
    channels: dict[tuple[str, str], str]  # (platform, handle key) -> how to name the channel
    proposals: dict[tuple[str, str], str]


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start : start + _BATCH]


def _load_units() -> tuple[dict[str, int], dict[str, int], dict[str, list[int]], str]:
    by_code: dict[str, int] = {}
    by_name: dict[str, int] = {}
    folded: dict[str, list[int]] = {}
    shown = []
    for unit_id, code, name in db.session.execute(
        select(BusinessUnit.id, BusinessUnit.code, BusinessUnit.name).order_by(BusinessUnit.code)
    ):
        by_code[code.upper()] = unit_id
        by_name[name] = unit_id
        folded.setdefault(" ".join(name.split()).casefold(), []).append(unit_id)
        shown.append(f"{code} ({name})")
    choices = ", ".join(shown[:15]) + (", …" if len(shown) > 15 else "")
    return (
        by_code,
        by_name,
        folded,
        choices or "none yet: create one with flask registry create-unit",
    )


def _load_users(emails: Iterable[str]) -> dict[str, tuple[int, bool, str]]:
    found: dict[str, tuple[int, bool, str]] = {}
    for chunk in _chunks(emails):
        for user_id, email, active, name in db.session.execute(
            select(User.id, User.email, User.is_active_account, User.display_name).where(
                User.email.in_(chunk)
            )
        ):
            found[email] = (user_id, active, name)
    return found


def _live_channel_handles(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Channels not decommissioned that hold any of ``keys`` (platform, handle key)."""
    wanted = set(keys)
    found: dict[tuple[str, str], str] = {}
    for chunk in _chunks(key for _, key in wanted):
        query = select(
            Channel.id, Channel.platform, Channel.handle_key, Channel.name, Channel.state
        ).where(
            Channel.handle_key.in_(chunk),
            Channel.state != ChannelState.DECOMMISSIONED.value,
        )
        for channel_id, platform, key, name, state in db.session.execute(query):
            if (platform, key) in wanted:
                found[(platform, key)] = (
                    f"the registry's channel C-{channel_id:04d} {_shown(name)} "
                    f"({ChannelState(state).label.lower()})"
                )
    return found


def _open_proposal_handles(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    wanted = set(keys)
    found: dict[tuple[str, str], str] = {}
    states = [s.value for s in CLAIMING_STATES]
    for chunk in _chunks(key for _, key in wanted):
        query = select(
            Proposal.id, Proposal.platform, Proposal.handle_key, Proposal.channel_name
        ).where(Proposal.handle_key.in_(chunk), Proposal.state.in_(states))
        for proposal_id, platform, key, name in db.session.execute(query):
            if (platform, key) in wanted:
                title = _shown(name) if name else "(untitled)"
                found[(platform, key)] = f"the open proposal P-{proposal_id:04d} {title}"
    return found


@dataclass
class _Draft:
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


def _check_cells(line: int, cells: dict[str, str], today: date) -> tuple[_Draft, list[RowError]]:
    """Checks that need nothing but the row itself."""
    errors: list[RowError] = []
    draft = _Draft(line)

    def error(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))
        draft.ok = False

    usable: dict[str, str] = {}
    for column in IMPORT_COLUMNS:
        value = cells[column]
        limit = min(MAX_CELL_CHARS, _COLUMN_LIMITS.get(column, MAX_CELL_CHARS))
        if len(value) > limit:
            error(column, f"Shorten this to at most {limit} characters (it has {len(value)}).")
        else:
            usable[column] = value

    if "name" in usable:
        draft.name = " ".join(usable["name"].split())
        if not draft.name:
            error("name", "Enter the channel's name.")

    if "platform" in usable:
        raw = usable["platform"]
        draft.platform = _PLATFORM_LOOKUP.get(_platform_token(raw), "")
        if not draft.platform:
            choices = ", ".join(PLATFORMS.values())
            error(
                "platform",
                f"Enter the platform ({choices})."
                if not raw
                else f"{_shown(raw)} is not a platform the registry knows. Use one of: {choices}.",
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
            error("business unit", "Enter the business unit's code or name, e.g. POL or Policy.")

    if "liaison email" in usable:
        draft.email = email_lookup_key(usable["liaison email"])
        if not draft.email:
            error("liaison email", "Enter the email address of the Communications liaison.")

    if "date started" in usable:
        raw = usable["date started"]
        started = _parse_date(raw)
        if not raw:
            error("date started", "Enter the date the channel started, e.g. 2021-03-15.")
        elif started is None:
            error(
                "date started",
                f"{_shown(raw)} is not a date: write it as YYYY-MM-DD (2021-03-15) or "
                "DD/MM/YYYY (15/03/2021).",
            )
        elif started > today:
            error(
                "date started",
                f"{started.isoformat()} is in the future: give the date the channel started.",
            )
        elif started < _EARLIEST_START:
            error("date started", f"{started.isoformat()} is too early: check the year.")
        else:
            draft.started_on = started
    return draft, errors


def _check_against_registry(draft: _Draft, lookups: _Lookups) -> list[RowError]:
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
                f"No business unit has the code or name {_shown(draft.unit)}. "
                f"Use one of: {lookups.unit_choices}.",
            )
    liaison_id = None
    if draft.email:
        user = lookups.users.get(draft.email)
        if user is None:
            error(
                "liaison email",
                f"No one in the registry has the email {_shown(draft.email)}: use the email of "
                "someone already registered, or add them first.",
            )
        elif not user[1]:
            error(
                "liaison email",
                f"{user[2]}'s account ({draft.email}) is deactivated: choose an active liaison.",
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
                    f"{_shown(draft.handle)} on {label} is already {holders[key]}; "
                    "leave it out of the file.",
                )
                break
    draft.business_unit_id = unit_id
    draft.liaison_id = liaison_id
    return errors


def _error_order(error: RowError) -> tuple[int, int]:
    column = IMPORT_COLUMNS.index(error.column) if error.column in IMPORT_COLUMNS else -1
    return error.line, column


def parse_channels_csv(data: bytes) -> ImportPreview:
    """Read and check the Communications team's spreadsheet of existing channels.

    Needs an app context (it looks up units, people, channels and proposals), but writes
    nothing. Row errors carry the file's line number, the header being line 1.
    """
    text, problem = _decode(data)
    if problem or text is None:
        return _failed(problem or "The file could not be read.")
    records = _Records(text)
    try:
        header = next((cells for _, cells in records if any(c.strip() for c in cells)), None)
        if header is None:
            return _failed(
                "The file is empty. The first line must name the columns: "
                + ", ".join(IMPORT_COLUMNS)
                + "."
            )
        positions, problem = _columns(header)
        if problem or positions is None:
            return _failed(problem or "The header row could not be read.")
        today = agency_today()
        drafts: list[_Draft] = []
        errors: list[RowError] = []
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue  # blank lines, and rows of empty cells that Excel leaves behind
            if len(drafts) >= MAX_ROWS:
                return _failed(
                    f"The file has more than {MAX_ROWS:,} channels (line {line} is past the "
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
                column: _unformula(
                    clean_text(cells[index], _COLUMN_KINDS.get(column, TextKind.LINE)).strip()
                ).strip()
                if index < len(cells)
                else ""
                for column, index in positions.items()
            }
            draft, row_errors = _check_cells(line, values, today)
            errors.extend(row_errors)
            if extra:
                draft.ok = False
            drafts.append(draft)
    except csv.Error as error:
        return _failed(
            f"The file is not readable as CSV from line {records.line} on ({error}): check for "
            "a quotation mark that is opened and never closed."
        )

    if not drafts:
        return _failed("The file has a header row but no channels under it.")
    return _check_drafts(drafts, errors)


def recheck_rows(rows: Sequence[tuple[int, Mapping[str, str]]]) -> ImportPreview:
    """Check rows kept from an earlier check again, now: the same cleaning and the same rules
    as a file, against the registry as it is at this moment (handles may have been taken,
    people deactivated since). ``rows`` are (line, cells by IMPORT_COLUMNS)."""
    if not rows:
        return _failed("There are no channels to import.")
    if len(rows) > MAX_ROWS:
        return _failed(f"There are more than {MAX_ROWS:,} channels: split them up.")
    today = agency_today()
    drafts: list[_Draft] = []
    errors: list[RowError] = []
    for line, cells in rows:
        values = {
            column: clean_text(
                str(cells.get(column, "")), _COLUMN_KINDS.get(column, TextKind.LINE)
            ).strip()
            for column in IMPORT_COLUMNS
        }
        draft, row_errors = _check_cells(line, values, today)
        errors.extend(row_errors)
        drafts.append(draft)
    return _check_drafts(drafts, errors)


def _check_drafts(drafts: list[_Draft], errors: list[RowError]) -> ImportPreview:
    """The checks that need the whole file or the registry, and the rows that pass them."""
    # Duplicates within the file: the first line keeps the handle, each later one is an error.
    first_line: dict[tuple[str, str], int] = {}
    for draft in drafts:
        if not draft.handle_key:
            continue
        key = (draft.platform, draft.handle_key)
        if key in first_line:
            errors.append(
                RowError(
                    draft.line,
                    "handle",
                    f"{_shown(draft.handle)} on {PLATFORMS[draft.platform]} is on lines "
                    f"{first_line[key]} and {draft.line}: list each channel once.",
                )
            )
            draft.ok = False
        else:
            first_line[key] = draft.line

    units = _load_units()
    handle_keys = list(first_line)
    lookups = _Lookups(
        *units,
        users=_load_users(d.email for d in drafts if d.email),
        channels=_live_channel_handles(handle_keys),
        proposals=_open_proposal_handles(handle_keys),
    )
    rows: list[ImportRow] = []
    for draft in drafts:
        row_errors = _check_against_registry(draft, lookups)
        errors.extend(row_errors)
        if (
            draft.ok
            and not row_errors
            and draft.started_on is not None
            and draft.business_unit_id is not None
            and draft.liaison_id is not None
        ):
            rows.append(
                ImportRow(
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
            )
    errors.sort(key=_error_order)
    return ImportPreview(rows=rows, errors=errors)
