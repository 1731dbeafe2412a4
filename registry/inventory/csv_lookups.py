"""What the rows of an imported file refer to, loaded in a handful of queries."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from registry.auth.models import BusinessUnit, User
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.form_dates import missing_date
from registry.inventory.csv_columns import quoted
from registry.policy.platforms import PLATFORMS
from registry.proposals.models import CLAIMING_STATES, Proposal

_BATCH = 500  # the IN-list size for preloading

# --- what a cell names: a platform, a date ------------------------------------------------

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


def parse_date(text: str) -> date | None:
    parts = _date_parts(text)
    if parts is None or missing_date(*parts):
        return None
    return date(*parts)


def date_problem(text: str) -> str | None:
    """Why a cell written as a date names no day ("30 February 2026 does not exist",
    "There is no month 13"), or None: a cell that is a date, or is not written as one."""
    parts = _date_parts(text)
    if parts is None:
        return None
    if not 1 <= parts[1] <= 12:
        # Most often a month-first date (03/15/2021): say which order the file takes.
        return _(
            "There is no month %(month)d: write the date as DD/MM/YYYY (15/03/2021) or "
            "YYYY-MM-DD (2021-03-15).",
            month=parts[1],
        )
    return missing_date(*parts)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a cell written as YYYY-MM-DD or DD/MM/YYYY."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NZ_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        return None
    return year, month, day


def platform_of(text: str) -> str:
    """The platform key a cell names (its key, its name or a common alias), or ""."""
    return _PLATFORM_LOOKUP.get(_platform_token(text), "")


@dataclass(frozen=True, slots=True)
class ChannelNow:
    """A channel the file's rows may name, as the registry has it now."""

    id: int
    name: str
    platform: str
    handle: str
    handle_key: str
    url: str
    unit_id: int
    unit_code: str
    unit_name: str
    liaison_id: int | None
    liaison_email: str
    started_on: date | None
    state: str
    no_charter: bool
    change_under_way: str = ""  # the reference of an open change proposal for it, if any

    @property
    def reference(self) -> str:
        return "C-" + format(self.id, "04d")

    def cells(self) -> dict[str, str]:
        """Its editable columns as the export writes them (before the formula guard)."""
        return {
            "reference": self.reference,
            "name": self.name,
            "platform": self.platform,
            "handle": self.handle,
            "url": self.url,
            "business unit": self.unit_code,
            "liaison email": self.liaison_email,
            "date started": self.started_on.isoformat() if self.started_on else "",
        }


@dataclass
class Lookups:
    """What the rows refer to, loaded in a handful of queries rather than one per row."""

    units: Units
    users: dict[str, tuple[int, bool, str]]  # email key -> (id, active, display name)
    # Live channels by (platform, handle key), and the channels the rows name by reference.
    channels: dict[tuple[str, str], ChannelNow]
    by_id: dict[int, ChannelNow]
    proposals: dict[tuple[str, str], str]  # (platform, handle key) -> how to name it


@dataclass(frozen=True)
class Units:
    """Every business unit, loaded once for a whole import."""

    by_code: dict[str, int]
    by_name: dict[str, int]
    by_folded_name: dict[str, list[int]]
    choices: str

    def find(self, text: str) -> int | None:
        """The unit a cell names by code or name (case aside, where only one has it)."""
        unit_id = self.by_code.get(text.upper()) or self.by_name.get(text)
        if unit_id is None:
            candidates = self.by_folded_name.get(text.casefold(), [])
            unit_id = candidates[0] if len(candidates) == 1 else None
        return unit_id


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start : start + _BATCH]


def load_units() -> Units:
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
    return Units(
        by_code,
        by_name,
        folded,
        choices or _("none yet: create one with flask registry create-unit"),
    )


def load_users(emails: Iterable[str]) -> dict[str, tuple[int, bool, str]]:
    found: dict[str, tuple[int, bool, str]] = {}
    for chunk in _chunks(emails):
        for user_id, email, active, name in db.session.execute(
            select(User.id, User.email, User.is_active_account, User.display_name).where(
                User.email.in_(chunk)
            )
        ):
            found[email] = (user_id, active, name)
    return found


def _key_chunks(keys: Collection[tuple[str, str]]) -> Iterator[list[str]]:
    """The handle keys of ``keys`` a chunk at a time, without copying them all: an import's
    file may hold 100,000."""
    chunk: list[str] = []
    for _platform, key in keys:
        chunk.append(key)
        if len(chunk) == _BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _channel_select():  # noqa: ANN202
    liaison = aliased(User)
    return (
        select(
            Channel.id,
            Channel.name,
            Channel.platform,
            Channel.handle,
            Channel.handle_key,
            Channel.channel_url,
            Channel.business_unit_id,
            BusinessUnit.code,
            BusinessUnit.name,
            Channel.liaison_id,
            func.coalesce(liaison.email, ""),
            Channel.started_on,
            Channel.state,
            Channel.no_charter,
        )
        .join(BusinessUnit, BusinessUnit.id == Channel.business_unit_id)
        .outerjoin(liaison, liaison.id == Channel.liaison_id)
    )


def live_channel_handles(wanted: Collection[tuple[str, str]]) -> dict[tuple[str, str], ChannelNow]:
    """Channels not decommissioned that hold any of ``wanted`` (platform, handle key)."""
    found: dict[tuple[str, str], ChannelNow] = {}
    for chunk in _key_chunks(wanted):
        query = _channel_select().where(
            Channel.handle_key.in_(chunk),
            Channel.state != ChannelState.DECOMMISSIONED.value,
        )
        for row in db.session.execute(query):
            channel = ChannelNow(*row)
            if (channel.platform, channel.handle_key) in wanted:
                found[(channel.platform, channel.handle_key)] = channel
    return found


def channels_by_id(ids: Iterable[int]) -> dict[int, ChannelNow]:
    """The channels ``ids`` name, those the registry has."""
    found: dict[int, ChannelNow] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _BATCH):
        query = _channel_select().where(Channel.id.in_(ordered[start : start + _BATCH]))
        found.update((row[0], ChannelNow(*row)) for row in db.session.execute(query))
    return found


def with_changes_under_way(channels: dict[int, ChannelNow]) -> dict[int, ChannelNow]:
    """``channels``, each with the open change proposal for it named, where there is one."""
    ordered = sorted(channels)
    states = [s.value for s in CLAIMING_STATES]
    found = dict(channels)
    for start in range(0, len(ordered), _BATCH):
        query = select(Proposal.id, Proposal.channel_id).where(
            Proposal.channel_id.in_(ordered[start : start + _BATCH]), Proposal.state.in_(states)
        )
        for proposal_id, channel_id in db.session.execute(query):
            found[channel_id] = replace(
                found[channel_id], change_under_way="P-" + format(proposal_id, "04d")
            )
    return found


def holder_name(channel: ChannelNow) -> str:
    """How a message names a channel holding a handle."""
    return _(
        "the registry's channel %(reference)s %(name)s (%(state)s)",
        reference=channel.reference,
        name=quoted(channel.name),
        state=ChannelState(channel.state).label.lower(),
    )


def open_proposal_handles(wanted: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Proposals still claiming any of ``wanted`` (platform, handle key)."""
    found: dict[tuple[str, str], str] = {}
    states = [s.value for s in CLAIMING_STATES]
    for chunk in _key_chunks(wanted):
        query = select(
            Proposal.id, Proposal.platform, Proposal.handle_key, Proposal.channel_name
        ).where(Proposal.handle_key.in_(chunk), Proposal.state.in_(states))
        for proposal_id, platform, key, name in db.session.execute(query):
            if (platform, key) in wanted:
                title = quoted(name) if name else _("(untitled)")
                found[(platform, key)] = _(
                    "the open proposal %(reference)s %(title)s",
                    reference="P-" + format(proposal_id, "04d"),
                    title=title,
                )
    return found
