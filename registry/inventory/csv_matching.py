"""Checking an imported file's rows against each other and the registry: which channel each
row is, what it changes, and whether the registry lets the import change it.

A row is a channel the registry has when its reference names one (the export writes it), or
else when its platform and handle are a live channel's. Such a row changes nothing if every
editable cell reads as the channel has it (an export imported back as it is), and a cell that
reads as the channel has it is not checked again, so a value stored before today's checks does
not stop a file that leaves it alone. Only a channel the import brought in (no charter on
record) can be changed by import: a chartered channel changes through a change proposal and
its sign-offs, and a decommissioned one stays as it was.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

from registry.auth.models import email_lookup_key
from registry.channels.models import CLOSED_STATES, ChannelState
from registry.inventory.csv_checks import ROW, Draft, row_error
from registry.inventory.csv_columns import EDITABLE_COLUMNS, quoted
from registry.inventory.csv_lookups import (
    ChannelNow,
    Lookups,
    Units,
    channels_by_id,
    holder_name,
    live_channel_handles,
    load_units,
    load_users,
    open_proposal_handles,
    parse_date,
    platform_of,
    with_changes_under_way,
)
from registry.inventory.csv_results import ImportPreview, ImportRow, RowError
from registry.policy.platforms import PLATFORMS

__all__ = [
    "UNCHANGED",
    "check_drafts",
    "import_row",
    "note_duplicate",
    "registry_lookups",
]

_COMPARED = tuple(column for column in EDITABLE_COLUMNS if column != "reference")


@dataclass(frozen=True)
class _Unchanged:
    """A row naming a channel the registry has just as the row writes it."""


UNCHANGED = _Unchanged()


def registry_lookups(
    handle_keys: Collection[tuple[str, str]],
    emails: Iterable[str],
    ids: Iterable[int] = (),
    *,
    channels: bool = True,
    units: Units | None = None,
) -> Lookups:
    """What the file's rows refer to in the registry, read in a handful of queries.
    ``handle_keys`` are (platform, handle key), each once; ``ids`` the channels the rows name
    by reference. Without ``channels`` no channel is read: for a caller adding only new
    channels, whose inserts the unique index on live handles checks anyway. ``units``: the
    business units, where the caller loaded them already."""
    live = live_channel_handles(handle_keys) if channels else {}
    by_id = channels_by_id(ids) if channels else {}
    named = with_changes_under_way({c.id: c for c in (*live.values(), *by_id.values())})
    return Lookups(
        units=units or load_units(),
        users=load_users(emails),
        channels={key: named[c.id] for key, c in live.items()},
        by_id={channel_id: named[channel_id] for channel_id in by_id},
        proposals=open_proposal_handles(handle_keys),
    )


def note_duplicate(
    draft: Draft, first_line: dict[tuple[str, str], int], errors: list[RowError] | None = None
) -> None:
    """Duplicates within the file: the first line keeps the handle, each later one is a
    problem. ``first_line`` maps (platform, handle key) to that first line."""
    if not draft.handle_key:
        return
    key = (draft.platform, draft.handle_key)
    if key in first_line:
        draft.problem(
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
    else:
        first_line[key] = draft.line


def _same(column: str, draft: Draft, channel: ChannelNow, units: Units) -> bool:
    """Whether the row's cell in ``column`` reads as ``channel`` has it."""
    cell = draft.cells.get(column, "")
    if column == "name":
        return " ".join(cell.split()) == " ".join(channel.name.split())
    if column == "platform":
        return platform_of(cell) == channel.platform
    if column == "handle":
        return cell == channel.handle.strip()
    if column == "url":
        return cell == (channel.url or "").strip()
    if column == "business unit":
        return units.find(" ".join(cell.split())) == channel.unit_id
    if column == "liaison email":
        return email_lookup_key(cell) == email_lookup_key(channel.liaison_email)
    if column == "date started":
        return parse_date(cell) == channel.started_on if cell else channel.started_on is None
    return True


def _channel_of(draft: Draft, lookups: Lookups, by_handle: bool) -> ChannelNow | None:
    """The channel the row names, or None for a new one (or a reference with a problem).
    Without ``by_handle`` only a reference names a channel."""
    if draft.channel_id is not None:
        channel = lookups.by_id.get(draft.channel_id)
        if channel is None:
            draft.problem(
                "reference",
                _(
                    "The registry has no channel %(reference)s: leave the reference empty to "
                    "add this row as a new channel.",
                    reference="C-" + format(draft.channel_id, "04d"),
                ),
            )
        return channel
    if "reference" in draft.problems or not draft.handle_key or not by_handle:
        return None
    return lookups.channels.get((draft.platform, draft.handle_key))


def _refused_change(channel: ChannelNow, changed: Sequence[str]) -> str | None:
    """Why the import may not change ``channel`` at all, or None where it may."""
    columns = ", ".join(f"“{column}”" for column in changed)
    if len(changed) == 1:
        was = channel.cells()[changed[0]]
        put_back = _("put it back to %(was)s", was=quoted(was) if was else _("empty"))
    else:
        put_back = _("put them back as the export wrote them")
    # A closing channel is closed too: its record is the closing checklist's, not the import's.
    if channel.state in CLOSED_STATES:
        return _(
            "%(reference)s is %(state)s, so its record stays as it was: %(put_back)s "
            "(%(columns)s), or leave the row out.",
            reference=channel.reference,
            state=ChannelState(channel.state).label.lower(),
            put_back=put_back,
            columns=columns,
        )
    if not channel.no_charter:
        return _(
            "%(reference)s runs under its charter, so %(columns)s change only through a change "
            "proposal (Start a change on the channel's page), not by import: %(put_back)s, or "
            "leave the row out.",
            reference=channel.reference,
            columns=columns,
            put_back=put_back,
        )
    if channel.change_under_way:
        return _(
            "%(reference)s has a change under way (%(proposal)s): let it finish before changing "
            "the channel by import, and %(put_back)s (%(columns)s) for now.",
            reference=channel.reference,
            proposal=channel.change_under_way,
            put_back=put_back,
            columns=columns,
        )
    return None


def _check_against_registry(draft: Draft, lookups: Lookups, changed: Sequence[str]) -> None:
    """The checks of ``changed`` columns (every one, for a new channel) that need the
    registry: who and what the cells name, and whether the handle is free."""
    if "business unit" in changed and draft.unit:
        draft.business_unit_id = lookups.units.find(draft.unit)
        if draft.business_unit_id is None:
            draft.problem(
                "business unit",
                _(
                    "No business unit has the code or name %(unit)s. Use one of: %(choices)s.",
                    unit=quoted(draft.unit),
                    choices=lookups.units.choices,
                ),
            )
    if "liaison email" in changed and draft.email:
        user = lookups.users.get(draft.email)
        if user is None:
            draft.problem(
                "liaison email",
                _(
                    "No one in the registry has the email %(email)s: use the email of someone "
                    "already registered, or add them first.",
                    email=quoted(draft.email),
                ),
            )
        elif not user[1]:
            draft.problem(
                "liaison email",
                _(
                    "%(name)s's account (%(email)s) is deactivated: choose an active liaison.",
                    name=user[2],
                    email=draft.email,
                ),
            )
        else:
            draft.liaison_id = user[0]
    if draft.handle_key and ("handle" in changed or "platform" in changed):
        key = (draft.platform, draft.handle_key)
        holder = lookups.channels.get(key)
        held_by = (
            holder_name(holder)
            if holder is not None and holder.id != draft.channel_id
            else lookups.proposals.get(key)
        )
        if held_by:
            draft.problem(
                "handle",
                _(
                    "%(handle)s on %(platform)s is already %(holder)s; leave it out of the file.",
                    handle=quoted(draft.handle),
                    platform=PLATFORMS[draft.platform],
                    holder=held_by,
                ),
            )


def _check_unit_name(draft: Draft, lookups: Lookups) -> None:
    """The export's unit name column only repeats the unit its code column names: a name
    edited to another unit's is not silently ignored."""
    if not draft.unit_name or draft.business_unit_id is None:
        return
    if lookups.units.find(draft.unit_name) != draft.business_unit_id:
        draft.problem(
            "business unit name",
            _(
                "The business unit code %(code)s and the name %(name)s are not the same unit: to "
                "move the channel, change the code (the name column only repeats it).",
                code=quoted(draft.unit),
                name=quoted(draft.unit_name),
            ),
        )


def import_row(
    draft: Draft, lookups: Lookups, by_handle: bool = True
) -> ImportRow | _Unchanged | None:
    """What ``draft`` comes to once checked against the registry: a row adding or changing a
    channel, UNCHANGED, or None when it has a problem (kept in ``draft.problems``). Without
    ``by_handle``, a row without a reference is a new channel even where a live channel has
    its handle (a row checked before as new stays new)."""
    if ROW in draft.problems:
        return None  # its cells are shifted: nothing in them means what its column says
    channel = _channel_of(draft, lookups, by_handle)
    if channel is None:
        if "reference" in draft.problems:
            return None
        _check_against_registry(draft, lookups, _COMPARED)
        _check_unit_name(draft, lookups)
        if draft.problems or draft.business_unit_id is None or draft.liaison_id is None:
            return None
        return _row(draft)
    draft.channel_id = channel.id
    draft.live = channel.state != ChannelState.DECOMMISSIONED.value
    changed = [c for c in _COMPARED if not _same(c, draft, channel, lookups.units)]
    # A handle is checked on its platform, and an address against both: a new platform or
    # handle has the cells that depend on it checked again, changed or not.
    checked = set(changed)
    if "platform" in checked:
        checked |= {"handle", "url"}
    if "handle" in checked:
        checked.add("url")
    for column in list(draft.problems):
        if column in _COMPARED and column not in checked:
            del draft.problems[column]  # it reads as the channel has it: nothing to check
    if "liaison email" not in changed:
        draft.liaison_id = channel.liaison_id
    if "date started" not in changed:
        draft.started_on = channel.started_on
    if changed and (refusal := _refused_change(channel, changed)):
        # What is wrong with the changed cells matters no more: none of them may change.
        draft.problems.clear()
        draft.problem(changed[0], refusal)
        return None
    _check_against_registry(draft, lookups, changed)
    if "business unit" not in changed:
        draft.business_unit_id = channel.unit_id
    _check_unit_name(draft, lookups)
    if draft.problems:
        return None
    if not changed:
        return UNCHANGED
    return _row(draft, channel, tuple(changed))


def _row(
    draft: Draft, channel: ChannelNow | None = None, changes: tuple[str, ...] = ()
) -> ImportRow:
    assert draft.business_unit_id is not None
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
        channel_id=channel.id if channel else None,
        changes=changes,
        before=channel.cells() if channel else {},
    )


def check_drafts(
    drafts: list[Draft], headings: dict[str, str] | None = None, *, by_handle: bool = True
) -> ImportPreview:
    """The checks that need the whole file or the registry: the rows that add or change a
    channel, how many change nothing, and one error for each row with a problem.
    ``by_handle``: see import_row."""
    keys = {(d.platform, d.handle_key) for d in drafts if d.handle_key}
    lookups = registry_lookups(
        keys,
        (d.email for d in drafts if d.email),
        (d.channel_id for d in drafts if d.channel_id is not None),
    )
    rows: list[ImportRow] = []
    unchanged = 0
    first_line: dict[tuple[str, str], int] = {}
    first_of_channel: dict[int, int] = {}
    for draft in drafts:
        outcome = import_row(draft, lookups, by_handle)
        # Repeats are looked for after the row is matched, which drops problems of cells
        # that read as the channel has them: a channel listed twice is a problem all the same.
        if draft.live:
            note_duplicate(draft, first_line)
        if draft.channel_id is not None and "reference" not in draft.problems:
            first = first_of_channel.setdefault(draft.channel_id, draft.line)
            if first != draft.line:
                draft.problem(
                    "reference",
                    _(
                        "%(reference)s is on lines %(first)d and %(line)d: list each channel once.",
                        reference="C-" + format(draft.channel_id, "04d"),
                        first=first,
                        line=draft.line,
                    ),
                )
        if draft.problems:
            continue
        if isinstance(outcome, ImportRow):
            rows.append(outcome)
        elif outcome is UNCHANGED:
            unchanged += 1
    errors = [error for draft in drafts if (error := row_error(draft, headings))]
    return ImportPreview(rows=rows, errors=errors, unchanged=unchanged)
