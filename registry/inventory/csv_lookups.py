"""What the rows of an imported file refer to, loaded in a handful of queries."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select

from registry.auth.models import BusinessUnit, User
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.inventory.csv_columns import quoted
from registry.proposals.models import CLAIMING_STATES, Proposal

_BATCH = 500  # the IN-list size for preloading


@dataclass
class Lookups:
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


def load_units() -> tuple[dict[str, int], dict[str, int], dict[str, list[int]], str]:
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
    for _, key in keys:
        chunk.append(key)
        if len(chunk) == _BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def live_channel_handles(wanted: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Channels not decommissioned that hold any of ``wanted`` (platform, handle key)."""
    found: dict[tuple[str, str], str] = {}
    for chunk in _key_chunks(wanted):
        query = select(
            Channel.id, Channel.platform, Channel.handle_key, Channel.name, Channel.state
        ).where(
            Channel.handle_key.in_(chunk),
            Channel.state != ChannelState.DECOMMISSIONED.value,
        )
        for channel_id, platform, key, name, state in db.session.execute(query):
            if (platform, key) in wanted:
                found[(platform, key)] = (
                    f"the registry's channel C-{channel_id:04d} {quoted(name)} "
                    f"({ChannelState(state).label.lower()})"
                )
    return found


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
                title = quoted(name) if name else "(untitled)"
                found[(platform, key)] = f"the open proposal P-{proposal_id:04d} {title}"
    return found
