"""The open data's promises, checked after every step: the JSON lists exactly the channels the
register and lookup treat as official (and the closed ones as closed), and the machine verify
answer agrees with the lookup page for every channel's address."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from registry.auth.offices import agency_today
from registry.channels import lookup
from registry.channels.models import Channel, ChannelState
from registry.extensions import db

PUBLIC = "/api/public/v1"


def _expected(channel: Channel, today: date) -> tuple[str, bool, str | None]:
    """(state, official, closing day) by the calendar, without the registry's own function."""
    closing = channel.decommissioned_on or (
        channel.closure_scheduled_on if channel.state == ChannelState.ACTIVE.value else None
    )
    if closing is not None and closing > today:
        return "closing", True, closing.isoformat()
    if channel.state == ChannelState.DECOMMISSIONED.value or closing is not None:
        return "closed", False, closing.isoformat() if closing else None
    return "active", True, None


def _page_verdict(answer: lookup.LookupAnswer) -> str:
    """What the register's lookup page says, in the verify answer's words."""
    if not answer.ours or answer.matched_by is lookup.MatchedBy.NAME:
        return "not-ours"
    if any(found.standing.standing.official for found in answer.found):
        return "official"
    return "was-official"


def open_data_matches(client: Any, violation: type) -> list:
    """The register must be switched on in the app under test."""
    found = []
    db.session.expire_all()
    today = agency_today()
    channels = list(
        db.session.scalars(
            sa.select(Channel).where(Channel.state != ChannelState.APPROVED.value)
        ).unique()
    )
    response = client.get(f"{PUBLIC}/channels.json")
    if response.status_code != 200:
        return [violation("open-data", f"channels.json answered {response.status_code}.")]
    listed = {
        row["reference"]: (row["state"], row["official"], row["closes_on"])
        for row in response.get_json()["channels"]
    }
    expected = {c.reference: _expected(c, today) for c in channels}
    if listed != expected:
        found.append(
            violation("open-data", f"channels.json lists {listed}; the register has {expected}.")
        )
    # The register page's own SQL rule for "official now" agrees with the JSON's.
    official = sorted(ref for ref, (_state, is_official, _day) in listed.items() if is_official)
    active_now = sorted(
        c.reference for c in channels if c.state == "active" and _expected(c, today)[1]
    )
    if sorted(official) != sorted(
        set(active_now) | {r for r, e in expected.items() if e[0] == "closing"}
    ):
        found.append(violation("open-data", f"official {official}; register {active_now}."))
    for channel in channels:
        for url in {channel.channel_url, channel.vouched_url} - {""}:
            answer = lookup.look_up(url)
            wanted = (_page_verdict(answer), sorted(f.channel.reference for f in answer.found))
            got = client.get(f"{PUBLIC}/verify", query_string={"url": url})
            if got.status_code != 200:
                found.append(violation("open-data", f"verify {url!r}: {got.status_code}."))
                continue
            body = got.get_json()
            refs = sorted(c["reference"] for c in body["channels"])
            if wanted[0] == "not-ours":
                wanted = ("not-ours", [])
            if (body["answer"], refs) != wanted:
                found.append(
                    violation(
                        "open-data",
                        f"verify {url!r} answers {body['answer']} {refs}; the lookup page "
                        f"{wanted}.",
                    )
                )
    return found
