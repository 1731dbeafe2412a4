"""The promises of the public pages: the register, the lookup, the transparency statement and
the charter verification page each say exactly what the database says. Kept apart from
``invariants`` (which calls them from ``check_all``) along the line between the public doors and
the decisions behind them."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any

import sqlalchemy as sa

from registry.auth.offices import agency_today
from registry.channels import lookup
from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.extensions import db
from registry.policy.platforms import channel_url_problem
from registry.proposals.models import Proposal
from tests.stateful.violation import Violation

_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")
# A scheduled closure is shown after the name: the channel is still active until that day.
_CLOSING_NOTE = re.compile(r"\s*\((closing on|ka kati hei te) [^)]*\)$")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


_NEXT_PAGE = re.compile(r'<a href="([^"]+)" rel="next">')


def lookup_vouches_only_for_ours() -> list[Violation]:
    """The public lookup ("is this official?") says yes only for an active channel, always says
    it for an official channel's own vouched address, and finds through its indexes exactly
    what reading every channel would find, for every channel's address, handle and name."""
    found: list[Violation] = []
    today = agency_today()
    channels = list(db.session.scalars(sa.select(Channel)).unique())
    public = [c for c in channels if c.state != ChannelState.APPROVED.value]
    for channel in channels:
        for account in filter(None, (channel.channel_url, channel.handle, channel.name)):
            answer = lookup.look_up(account)
            for item in answer.found:
                if item.standing.standing.official and not _official_on(item.channel, today):
                    found.append(
                        Violation(
                            "lookup",
                            f"{account!r} is answered official by {item.channel.reference}, "
                            f"which is {item.channel.state} (closing day "
                            f"{closing_day_of(item.channel)}).",
                        )
                    )
            everyone = _reading_every_channel(account, public)
            if (answer.matched_by, sorted(i.channel.id for i in answer.found)) != everyone:
                found.append(
                    Violation(
                        "lookup",
                        f"{account!r}: the lookup finds {answer}, reading every channel finds "
                        f"{everyone}.",
                    )
                )
        official_now = channel.state == "active" and _official_on(channel, today)
        # Its handle or name may find another channel first; its own vouched address must
        # always find it, official.
        if official_now and channel.vouched_url:
            answer = lookup.look_up(channel.vouched_url)
            if not any(
                i.channel.id == channel.id and i.standing.standing.official for i in answer.found
            ):
                found.append(
                    Violation(
                        "lookup",
                        f"{channel.reference}'s own address {channel.vouched_url!r} is not "
                        "answered official.",
                    )
                )
    return found


def closing_day_of(channel: Channel) -> date | None:
    return channel.decommissioned_on or channel.closure_scheduled_on


def _official_on(channel: Channel, today: date) -> bool:
    """Official means monitored by us today: active with no closing day that has come, or
    closed by a daily run dated ahead of the calendar (``registry remind --today``) whose
    recorded closing day is still to come."""
    if channel.state == "active":
        return channel.closure_scheduled_on is None or channel.closure_scheduled_on > today
    if channel.state in ("closing", "decommissioned"):
        return channel.decommissioned_on is not None and channel.decommissioned_on > today
    return False


def _reading_every_channel(account: str, public: list[Channel]) -> tuple[Any, list[int]]:
    account = account.strip()[:500]
    for matched_by, matches in (
        (lookup.MatchedBy.ADDRESS, lookup._by_address),
        (lookup.MatchedBy.HANDLE, lookup._by_handle),
        (lookup.MatchedBy.NAME, lookup._by_name),
    ):
        ids = matches(account, public) if account else []
        if ids:
            return matched_by, sorted(ids)
    return None, []


def register_rows(page: str) -> list[tuple[str, str, str, str]]:
    """(name, platform, handle, url) for each row of the public register's table (whose
    fifth column, the languages it posts in, is not compared)."""
    body = page.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    rows = []
    for row in _ROW.findall(body):
        cells = [_text(cell) for cell in _CELL.findall(row)]
        # A row of another shape would silently drop out of the comparison: refuse it.
        assert len(cells) == 5, f"a register row with {len(cells)} cells: {row[:300]}"
        rows.append((_CLOSING_NOTE.sub("", cells[0]), cells[1], cells[2], cells[3]))
    return rows


def _read_register(
    client: Any, language: str
) -> tuple[list[tuple[str, str, str, str]], Violation | None]:
    """Every row of every page of the register in ``language`` (chosen on the first page and
    remembered, as the switch does)."""
    rows: list[tuple[str, str, str, str]] = []
    address: str | None = f"/register/?lang={language}"
    while address is not None:  # every page of it: it lists 50 channels a page
        response = client.get(address)
        if response.status_code != 200:
            return rows, Violation("register", f"{address} answered {response.status_code}.")
        page = response.get_data(as_text=True)
        rows += register_rows(page)
        following = _NEXT_PAGE.search(page)
        address = html.unescape(following.group(1)) if following else None
    return rows, None


def register_matches(client: Any) -> list[Violation]:
    """The public register lists exactly the active channels, each URL passing the URL rule.

    The register must be switched on (PUBLIC_REGISTER_ENABLED) in the app under test.
    """
    # In te reo Māori it lists the very same channels, page after page. Read first, so the
    # client is left choosing English for whatever reads the public pages next.
    te_reo, refused = _read_register(client, "mi")
    if refused:
        return [refused]
    rows, refused = _read_register(client, "en")
    if refused:
        return [refused]
    if sorted(te_reo) != sorted(rows):
        return [Violation("register", f"In te reo it lists {te_reo}; in English {rows}.")]
    listed = sorted((r[0], r[2], r[3]) for r in rows)
    db.session.expire_all()
    active = db.session.scalars(
        sa.select(Channel).where(Channel.state == ChannelState.ACTIVE.value)
    ).unique()
    expected = sorted((" ".join(c.name.split()), c.handle, c.channel_url) for c in active)
    found = []
    if listed != expected:
        found.append(
            Violation(
                "register", f"The register lists {listed}; the active channels are {expected}."
            )
        )
    for channel in db.session.scalars(
        sa.select(Channel).where(Channel.state == ChannelState.ACTIVE.value)
    ).unique():
        if channel.channel_url:
            problem = channel_url_problem(channel.platform, channel.handle, channel.channel_url)
            if problem:
                found.append(
                    Violation(
                        "channel-url",
                        f"{channel.reference} is listed with {channel.channel_url!r}: {problem}",
                    )
                )
    return found


_STATEMENT_CHANNEL = re.compile(r'<h3 id="channel-\d+" dir="auto">(.*?)</h3>', re.S)
_STATEMENT_VERSION = re.compile(r"\(version (\d+)\)</p>")


def statement_matches(client: Any, seen: dict[int, str]) -> list[Violation]:
    """The transparency statement lists exactly the official channels, as its latest version,
    and no version's stored snapshot ever changes (``seen``: number to snapshot, as first read,
    kept by the caller across steps).

    The register must be switched on (PUBLIC_REGISTER_ENABLED) in the app under test.
    """
    from registry.transparency.models import StatementVersion
    from registry.transparency.snapshot import canonical

    response = client.get("/transparency?lang=en")
    if response.status_code != 200:
        return [Violation("statement", f"/transparency answered {response.status_code}.")]
    page = response.get_data(as_text=True)
    listed = sorted(_text(name) for name in _STATEMENT_CHANNEL.findall(page))
    db.session.expire_all()
    today = agency_today()
    official = sorted(
        " ".join(c.name.split())
        for c in db.session.scalars(
            sa.select(Channel).where(Channel.state == ChannelState.ACTIVE.value)
        ).unique()
        if _official_on(c, today)
    )
    found = []
    if listed != official:
        found.append(
            Violation("statement", f"The statement lists {listed}; the official are {official}.")
        )
    versions = list(
        db.session.scalars(sa.select(StatementVersion).order_by(StatementVersion.number))
    )
    shown = _STATEMENT_VERSION.search(page)
    if not versions or shown is None or int(shown.group(1)) != versions[-1].number:
        found.append(Violation("statement", "The statement page does not show the latest version."))
    for number, version in enumerate(versions, start=1):
        if version.number != number:
            found.append(Violation("statement-history", f"Version {number} is missing."))
            break
        if canonical(json.loads(version.snapshot_json)) != (
            version.snapshot_json,
            version.snapshot_sha256,
        ):
            found.append(
                Violation("statement-history", f"Version {number}'s SHA-256 is not its snapshot's.")
            )
        first = seen.setdefault(number, version.snapshot_json)
        if first != version.snapshot_json:
            found.append(Violation("statement-history", f"Version {number}'s snapshot changed."))
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.snapshot_sha256 == later.snapshot_sha256:
            found.append(
                Violation(
                    "statement-history",
                    f"Versions {earlier.number} and {later.number} say the same thing.",
                )
            )
    return found


_STATUS = re.compile(r"<dt>Status</dt>\s*<dd>(.*?)</dd>", re.S)


def expected_charter_status(charter: Charter) -> tuple[str, ...] | None:
    """Words the verify page's status must contain, from the channel's state now."""
    proposal = db.session.get(Proposal, charter.proposal_id)
    channel = db.session.get(Channel, proposal.channel_id) if proposal.channel_id else None
    if channel is None:
        return None
    if channel.proposal_id != proposal.id:
        return ("superseded",)
    # Closing (its checklist under way) is closed to the public exactly as decommissioned.
    if channel.state_enum in (ChannelState.CLOSING, ChannelState.DECOMMISSIONED):
        if channel.decommissioned_on and channel.decommissioned_on > agency_today():
            # Closed on a date still ahead: the daily job was run as if that day had come
            # (``remind --today``), or a record from before closures could be scheduled. The
            # public is told it is ours, and monitored, until then.
            return ("active", "until")
        return ("decommissioned",)
    if channel.state_enum is ChannelState.ACTIVE:
        return ("active",)
    return ("not", "live")


def charter_statuses_match(client: Any) -> list[Violation]:
    """Every charter's public verify page states its channel's state now."""
    found = []
    for charter in db.session.scalars(sa.select(Charter).order_by(Charter.id)).unique():
        number = charter.number
        wanted = expected_charter_status(charter)
        response = client.get(f"/charters/{number}/verify")
        match = _STATUS.search(response.get_data(as_text=True))
        shown = _text(match.group(1)) if match else ""
        if response.status_code != 200 or not match:
            found.append(
                Violation("charter-status", f"{number}: no status ({response.status_code}).")
            )
        elif wanted and not all(word in shown.lower() for word in wanted):
            found.append(
                Violation("charter-status", f"{number} says {shown!r}; the channel is {wanted}.")
            )
    return found
