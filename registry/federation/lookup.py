""" "Is this official?" for the channels of the agencies we subscribe to.

The same matching as for our own channels (``channels.lookup``): an address first (only one
that passes the Channel URL check vouches for anything), then a handle, then a name. Our own
channels come first: another agency's channel is the answer only where none of ours matches as
well (an address or handle of ours beats anything of theirs; their address or handle beats a
channel of ours that only shares the name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select

from registry.auth.offices import agency_today
from registry.channels.lookup import LookupAnswer, MatchedBy, look_up
from registry.extensions import db
from registry.federation.models import AgencyChannel, Subscription
from registry.policy.accounts import account_address, handle_key, looks_like_address, name_key
from registry.policy.platforms import PLATFORMS, address_carries_handle, channel_url_problem


@dataclass(frozen=True)
class AgencyFound:
    channel: AgencyChannel
    agency_name: str
    register_url: str  # the agency's own page for the channel, or its register
    verified_at: datetime | None  # when that agency's list was last verified
    official: bool
    closes_on: date | None  # official until (closing), or closed on


@dataclass(frozen=True)
class AgencyAnswer:
    matched_by: MatchedBy | None
    found: tuple[AgencyFound, ...]


@dataclass(frozen=True)
class Answer:
    """What the lookup page shows: ours, or another agency's, never both as the verdict."""

    ours: LookupAnswer
    theirs: AgencyAnswer | None

    @property
    def shows_theirs(self) -> bool:
        return self.theirs is not None and bool(self.theirs.found)


_STRONG = (MatchedBy.ADDRESS, MatchedBy.HANDLE)


def look_up_everywhere(account: str, today: date | None = None) -> Answer:
    today = today or agency_today()
    ours = look_up(account, today)
    if ours.ours and ours.matched_by in _STRONG:
        return Answer(ours, None)
    theirs = look_up_agencies(account, today)
    if not theirs.found:
        return Answer(ours, None)
    if ours.ours and theirs.matched_by not in _STRONG:
        return Answer(ours, None)  # both by name only: ours first
    return Answer(LookupAnswer(None, ()), theirs)


def look_up_agencies(account: str, today: date | None = None) -> AgencyAnswer:
    today = today or agency_today()
    account = account.strip()[:500]
    if not account:
        return AgencyAnswer(None, ())
    for matched_by, candidates, matches in (
        (MatchedBy.ADDRESS, _address_candidates, _by_address),
        (MatchedBy.HANDLE, _handle_candidates, _by_handle),
        (MatchedBy.NAME, _name_candidates, _by_name),
    ):
        where = candidates(account)
        if where is None:
            continue
        rows = db.session.scalars(select(AgencyChannel).where(where)).all()
        found = [row for row in rows if matches(account, row)]
        if found:
            return AgencyAnswer(matched_by, _found(found, today))
    return AgencyAnswer(None, ())


_ADDRESSES_WITHOUT_HANDLE = tuple(p for p in PLATFORMS if not address_carries_handle(p))


def _address_candidates(account: str) -> ColumnElement[bool] | None:
    wanted = account_address(account) if looks_like_address(account) else None
    if wanted is None:
        return None
    keys = {handle_key(segment) for segment in wanted.path[:3]} - {""}
    return or_(
        AgencyChannel.handle_key.in_(keys),
        AgencyChannel.platform.in_(_ADDRESSES_WITHOUT_HANDLE),
    )


def _handle_candidates(account: str) -> ColumnElement[bool] | None:
    wanted = handle_key(account)
    return AgencyChannel.handle_key == wanted[:200] if wanted else None


def _name_candidates(account: str) -> ColumnElement[bool] | None:
    wanted = name_key(account)
    return AgencyChannel.name_key == wanted[:200] if wanted else None


def _by_address(account: str, row: AgencyChannel) -> bool:
    wanted = account_address(account) if looks_like_address(account) else None
    # The agency's own register checked its addresses; we check them again with ours, so a
    # lookalike address in another agency's list never makes a lookalike "official" here.
    if wanted is None or row.platform not in PLATFORMS or not row.channel_url:
        return False
    if channel_url_problem(row.platform, row.handle, row.channel_url):
        return False
    address = account_address(row.channel_url)
    return address is not None and wanted.is_under(address)


def _by_handle(account: str, row: AgencyChannel) -> bool:
    wanted = handle_key(account)
    return bool(wanted) and row.handle_key == wanted[:200]


def _by_name(account: str, row: AgencyChannel) -> bool:
    wanted = name_key(account)
    return bool(wanted) and name_key(row.name) == wanted


def _found(rows: list[AgencyChannel], today: date) -> tuple[AgencyFound, ...]:
    ids = {row.subscription_id for row in rows}
    subscriptions = {
        s.id: s for s in db.session.scalars(select(Subscription).where(Subscription.id.in_(ids)))
    }
    found = []
    for row in rows:
        subscription = subscriptions[row.subscription_id]
        # A closing date the agency announced that has come closes the channel here too,
        # whether or not its list has been fetched since.
        official = row.official and (row.closes_on is None or row.closes_on > today)
        found.append(
            AgencyFound(
                channel=row,
                agency_name=subscription.agency_name,
                register_url=row.register_url or subscription.register_url,
                verified_at=subscription.last_verified_at,
                official=official,
                closes_on=row.closes_on,
            )
        )
    found.sort(
        key=lambda f: (
            not f.official,
            -(f.closes_on or date.min).toordinal(),
            f.agency_name,
            f.channel.name,
            f.channel.id,
        )
    )
    return tuple(found)
