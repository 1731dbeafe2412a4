"""The channel check's pure rules: account id shapes, what a page says, what it means."""

from __future__ import annotations

import pytest

from registry.policy.account_ids import account_id_message, account_ids_named
from registry.policy.channel_checks import (
    CheckOutcome,
    Fetched,
    handle_in_address,
    judge,
    read_page,
)

HOME = "https://www.facebook.com/MECPasifika"


@pytest.mark.parametrize(
    ("platform", "good", "bad"),
    [
        ("facebook", "100064123456789", "MECPasifika"),
        ("youtube", "UC" + "a" * 22, "UC123"),
        ("x", "1234567890", "@EthnicCommsNZ"),
        ("bluesky", "did:plc:" + "a" * 24, "ethniccommunities.bsky.social"),
        ("wechat", "gh_0123456789ab", "gh_XYZ"),
        ("other", "anything-without-spaces", "two words"),
    ],
)
def test_account_ids_have_their_platforms_shape(platform: str, good: str, bad: str) -> None:
    assert account_id_message(platform, good) is None
    assert account_id_message(platform, f"  {good} ") is None
    assert account_id_message(platform, "") is None  # optional
    problem = account_id_message(platform, bad)
    assert problem is not None
    assert bad in problem.text or platform == "other"


def test_pages_name_their_ids_where_the_platform_does() -> None:
    markup = '<meta property="al:android:url" content="fb://page/100064123456789">'
    assert account_ids_named("facebook", markup) == {"100064123456789"}
    youtube = (
        '<link rel="canonical" href="https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv">'
    )
    assert account_ids_named("youtube", youtube) == {"UCabcdefghijklmnopqrstuv"}
    assert account_ids_named("other", markup) == frozenset()


def test_reading_a_page_prefers_og_title_and_canonical() -> None:
    reading = read_page(
        "facebook",
        '<html><head><title>MEC | Facebook</title><meta property="og:title" content=" MEC  '
        'Pasifika "><meta property="og:url" content="https://x"><link rel="canonical" '
        f'href="{HOME}"></head></html>',
    )
    assert (reading.title, reading.address) == ("MEC Pasifika", HOME)
    assert read_page("facebook", "<title>Only &amp; title</title>").title == "Only & title"
    assert read_page("facebook", "<<<not html").title == ""


@pytest.mark.parametrize(
    ("url", "handle"),
    [
        (HOME, "MECPasifika"),
        ("https://m.facebook.com/mecpasifika/posts/1", "mecpasifika"),
        ("https://www.facebook.com/login/?next=x", None),
        ("https://www.facebook.com/profile.php?id=1", None),
        ("https://evil.example/MECPasifika", None),
    ],
)
def test_the_handle_an_address_names(url: str, handle: str | None) -> None:
    assert handle_in_address("facebook", url) == handle


def _judge(fetched: Fetched, account_id: str = "", known: str = "") -> CheckOutcome:
    return judge("facebook", "MECPasifika", HOME, account_id, known, fetched).outcome


def test_what_a_fetch_means() -> None:
    fine = Fetched(200, HOME, f'<title>MEC</title><link rel="canonical" href="{HOME}">')
    assert _judge(fine) is CheckOutcome.FINE
    assert _judge(fine, known="MEC") is CheckOutcome.FINE
    assert _judge(fine, known="Someone else") is CheckOutcome.RENAMED
    assert _judge(Fetched(404, HOME)) is CheckOutcome.GONE
    assert _judge(Fetched(410, HOME)) is CheckOutcome.GONE
    for transient in (Fetched(500, HOME), Fetched(429, HOME), Fetched(error="timed out")):
        assert _judge(transient) is CheckOutcome.UNREACHABLE
    assert _judge(Fetched(403, HOME)) is CheckOutcome.UNREADABLE
    assert _judge(Fetched(301, HOME, too_many_redirects=True)) is CheckOutcome.UNREADABLE
    wall = Fetched(200, "https://www.facebook.com/login/?next=x", "<title>Log in</title>")
    assert _judge(wall) is CheckOutcome.UNREADABLE
    other = Fetched(200, "https://www.facebook.com/SomeoneElse", "<title>X</title>")
    assert _judge(other) is CheckOutcome.REDIRECTED
    assert (
        _judge(Fetched(301, HOME, refused_hop="https://evil.example/")) is CheckOutcome.REDIRECTED
    )
    named = Fetched(200, HOME, '<meta property="al:ios:url" content="fb://page/222222">')
    assert _judge(named, account_id="111111") is CheckOutcome.ACCOUNT_CHANGED
    assert _judge(named, account_id="222222") is CheckOutcome.FINE
    assert _judge(named) is CheckOutcome.FINE  # nothing recorded, nothing to compare
