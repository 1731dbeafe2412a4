"""The public "is this account official?" lookup: official, was ours and closed, or not ours."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from registry.auth.offices import agency_today
from registry.channels import lookup
from registry.channels.models import Channel
from registry.extensions import db as _db
from registry.policy.platforms import expected_channel_url, normalise_handle
from registry.timeutil import format_date
from tests.public_channels import close, finish_closing, live_channel
from tests.workflow import approved_proposal


def ask(client, account: str) -> str:  # noqa: ANN001
    response = client.get("/register/", query_string={"account": account})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_lookup_is_off_with_the_register(client, client_as, people, db):
    live_channel(client_as, people, db)
    assert client.get("/register/", query_string={"account": "@MECPasifika"}).status_code == 404


@pytest.mark.parametrize(
    "account",
    [
        "https://www.facebook.com/MECPasifika",
        "http://m.facebook.com/mecpasifika/?ref=share",
        "facebook.com/MECPasifika/posts/123",
        "@mecpasifika",
        "MECPASIFIKA",
        "MEC Pasifika Communities",
        "mec pasifika communities",
    ],
)
def test_an_official_channel_is_found_by_address_handle_or_name(
    client, client_as, people, db, register_on, account
):
    live_channel(client_as, people, db)
    page = ask(client, account)
    assert "Yes — this is an official" in page or "We have a channel named" in page
    assert "MEC Pasifika Communities</strong> on Facebook" in page
    assert "not one of our official channels" not in page


@pytest.mark.parametrize(
    "account",
    [
        "MEC",
        "Pasifika",
        "MEC Pasifika",
        "@MECPasifika2",
        "https://www.facebook.com/MECPasifika.fake",
        "https://facebook.com.evil.example/MECPasifika",
        "https://www.instagram.com/MECPasifika",
        "МЕС Pasifika Communities",  # Cyrillic lookalike letters
    ],
)
def test_lookalikes_and_fragments_are_not_ours(client, client_as, people, db, register_on, account):
    live_channel(client_as, people, db)
    page = ask(client, account)
    assert "is not one of our official channels" in page
    assert "Yes — this is an official" not in page


def test_a_name_match_says_anyone_can_copy_a_name(client, client_as, people, db, register_on):
    live_channel(client_as, people, db, channel_name="Te Tari Mātāwaka Pasifika")
    page = ask(client, "te tari matawaka pasifika")
    assert "We have a channel named" in page and "Anyone can give an account this name" in page
    assert "https://www.facebook.com/MECPasifika" in page


def test_several_channels_with_one_name_are_each_shown(client, client_as, people, db, register_on):
    live_channel(client_as, people, db)
    live_channel(client_as, people, db, platform="instagram", handle="mec.pasifika")
    page = ask(client, "MEC Pasifika Communities")
    assert "We have 2 channels named" in page
    assert "on Facebook" in page and "on Instagram" in page


def test_a_closed_channel_was_ours(client, client_as, people, db, register_on):
    channel = live_channel(client_as, people, db)
    closed_on = agency_today()  # it went live today; a closure cannot come before that
    close(client_as, channel, closed_on)
    for account in (
        "@MECPasifika",
        "https://www.facebook.com/MECPasifika",
        "MEC Pasifika Communities",
    ):
        page = ask(client, account)
        assert f"was ours, closed on {format_date(closed_on)} and no longer monitored" in page
        assert "Yes — this is an official" not in page
        assert "is not one of our official channels" not in page
    # It is not on the register.
    assert "Official channels (0)" in ask(client, "@MECPasifika")


def test_an_approved_channel_not_live_yet_is_not_ours(client, client_as, people, db, register_on):
    approved_proposal(client_as, people)
    page = ask(client, "@MECPasifika")
    assert "is not one of our official channels" in page
    assert "MEC Pasifika Communities" not in page


def test_an_official_channel_is_listed_before_a_closed_one_with_its_handle(
    client, client_as, people, db, register_on
):
    old = live_channel(client_as, people, db)
    close(client_as, old, agency_today())
    finish_closing(client_as, old)  # decommissioned: its handle is free again
    live_channel(client_as, people, db, channel_name="MEC Pasifika")
    page = ask(client, "@MECPasifika")
    assert "Yes — this is an official" in page
    assert page.index("MEC Pasifika</strong> on Facebook") < page.index(
        "MEC Pasifika Communities</strong> on Facebook"
    )
    assert "was ours, closed on" in page


# --- The indexed lookup answers what reading every channel would ------------------------------

LOOKUP_NAMES = [
    "Te Tari Mātāwaka",
    "te tari matawaka",
    "MEC Youth",
    "MEC  youth!",
    "华人社区",
    "Ｍｅｃ",
]
LOOKUP_HANDLES = ["MECNZ", "mecnz", "@MECYouth", "tari_1", "company"]
LOOKUP_PLATFORMS = ["facebook", "instagram", "linkedin", "youtube", "bluesky", "other", "wechat"]


@st.composite
def lookup_channels(draw: st.DrawFn) -> list[dict]:
    channels = []
    for _ in range(draw(st.integers(1, 6))):
        platform = draw(st.sampled_from(LOOKUP_PLATFORMS))
        handle = draw(st.sampled_from(LOOKUP_HANDLES))
        url = draw(
            st.sampled_from(
                [
                    expected_channel_url(platform, handle) or "",
                    "https://example.org/mec/page?id=7",
                    "https://www.facebook.com/MECNZ",
                    "",
                ]
            )
        )
        channels.append(
            {
                "name": draw(st.sampled_from(LOOKUP_NAMES)),
                "platform": platform,
                "handle": handle,
                "channel_url": url,
                "state": draw(st.sampled_from(["approved", "active", "decommissioned"])),
            }
        )
    return channels


def _typed_accounts(channels: list[dict]) -> st.SearchStrategy[str]:
    seen = [c["channel_url"] for c in channels if c["channel_url"]]
    seen += [c["handle"] for c in channels] + [c["name"] for c in channels]
    return st.one_of(
        st.sampled_from(seen),
        st.sampled_from(seen).map(str.upper),
        st.sampled_from(seen).map(lambda typed: typed + "/posts/1"),
        st.sampled_from(seen).map(lambda typed: "@" + typed),
        st.text(alphabet="abcMECNZ@/.: āē", max_size=20),
    )


def _reading_every_channel(account: str) -> tuple[str | None, list[int]]:
    """The lookup as it was: every public channel read, then matched in Python."""
    rows = _db.session.execute(
        select(*lookup._LOOKUP_COLUMNS).where(Channel.state != "approved")
    ).all()
    account = account.strip()[:500]
    for matched_by, matches in (
        ("address", lookup._by_address),
        ("handle", lookup._by_handle),
        ("name", lookup._by_name),
    ):
        ids = matches(account, rows) if account else []
        if ids:
            return matched_by, sorted(ids)
    return None, []


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_indexed_lookup_finds_what_reading_every_channel_would(people, db, data):
    channels = data.draw(lookup_channels())
    live_handles = set()
    for channel in channels:
        key = normalise_handle(channel["platform"], channel["handle"])
        if channel["state"] != "decommissioned" and (channel["platform"], key) in live_handles:
            channel["state"] = "decommissioned"  # one live channel per platform and handle
        if channel["state"] != "decommissioned":
            live_handles.add((channel["platform"], key))
        db.session.add(Channel(**channel, handle_key=key, business_unit_id=people.policy.id))
    db.session.commit()
    try:
        account = data.draw(_typed_accounts(channels))
        answer = lookup.look_up(account)
        found = sorted(item.channel.id for item in answer.found)
        assert (answer.matched_by, found) == _reading_every_channel(account)
    finally:
        db.session.execute(delete(Channel))
        db.session.commit()
