"""Platforms: the list, what a valid handle is on each, and what a channel's URL must look like."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.policy.platforms import (
    PLATFORMS,
    channel_url_problem,
    expected_channel_url,
    handle_problem,
    normalise_handle,
)


def test_platforms_in_order() -> None:
    assert list(PLATFORMS.items()) == [
        ("facebook", "Facebook"),
        ("instagram", "Instagram"),
        ("linkedin", "LinkedIn"),
        ("x", "X"),
        ("youtube", "YouTube"),
        ("tiktok", "TikTok"),
        ("threads", "Threads"),
        ("bluesky", "Bluesky"),
        ("wechat", "WeChat"),
        ("weibo", "Weibo"),
        ("whatsapp-channel", "WhatsApp channel"),
        ("other", "Other"),
    ]


def test_platforms_cannot_be_changed_by_accident() -> None:
    with pytest.raises(TypeError):
        PLATFORMS["myspace"] = "Myspace"  # type: ignore[index]


@pytest.mark.parametrize(
    ("handle", "normal"),
    [
        ("@EthnicCommsNZ", "ethniccommsnz"),
        ("  EthnicCommsNZ \n", "ethniccommsnz"),
        (" @ethniccommsnz", "ethniccommsnz"),
        ("", ""),
    ],
)
def test_normalise_handle(handle: str, normal: str) -> None:
    assert normalise_handle("x", handle) == normal


@pytest.mark.parametrize(
    ("platform", "handle"),
    [
        ("x", "EthnicCommsNZ"),
        ("x", "@a"),
        ("x", "a" * 15),
        ("x", "Ethnic_Comms_1"),
        ("instagram", "ethnic.communities_nz"),
        ("instagram", "@" + "a" * 30),
        ("threads", "ethniccommunitiesnz"),
        ("tiktok", "ethnic.comms_nz"),
        ("tiktok", "ab"),
        ("youtube", "@Ethnic-Communities.NZ_1"),
        ("youtube", "abc"),
        ("facebook", "EthnicCommunitiesNZ"),
        ("facebook", "ethnic.communities"),
        ("linkedin", "ministry-for-ethnic-communities"),
        ("linkedin", "@mec"),
        ("bluesky", "ethniccommunities.bsky.social"),
        ("bluesky", "@ethniccommunities.govt.nz"),
        ("wechat", "EthnicCommsNZ"),
        ("weibo", "某某部"),
        ("whatsapp-channel", "0029VaEthnic"),
        ("other", "@anything-goes.here"),
        ("unknown-platform", "name"),
    ],
)
def test_valid_handles(platform: str, handle: str) -> None:
    assert handle_problem(platform, handle) is None


@pytest.mark.parametrize(
    ("platform", "handle", "says"),
    [
        ("x", "a" * 16, "1 to 15"),
        ("x", "ethnic.comms", "@EthnicCommsNZ"),
        ("x", "ethnic comms", "letters, digits or underscores"),
        ("instagram", ".ethnic", "not starting or ending with a full stop"),
        ("instagram", "ethnic.", "full stop"),
        ("instagram", "ethnic..comms", "two full stops in a row"),
        ("instagram", "a" * 31, "1 to 30"),
        ("threads", "ethnic-comms", "Threads handle"),
        ("tiktok", "a", "2 to 24"),
        ("tiktok", "ethnic.", "not ending with a full stop"),
        ("tiktok", "a" * 25, "2 to 24"),
        ("youtube", "ab", "3 to 30"),
        ("youtube", "ethnic comms", "@EthnicCommunitiesNZ"),
        ("facebook", "mec", "5 to 50"),
        ("facebook", "ethnic_comms", "letters, digits or full stops"),
        ("linkedin", "Ministry-For-Ethnic-Communities", "lower-case"),
        ("linkedin", "m", "2 to 100"),
        ("bluesky", "ethniccommunities", "ethniccommunities.bsky.social"),
        ("bluesky", "-bad-.bsky.social", "domain name"),
        ("wechat", "two words", "no spaces"),
        ("other", "x" * 101, "at most 100"),
        ("other", "tab\there", "no spaces"),
        ("weibo", "zero\u200bwidth", "no spaces"),
    ],
)
def test_invalid_handles_say_what_a_valid_one_looks_like(
    platform: str, handle: str, says: str
) -> None:
    problem = handle_problem(platform, handle)
    assert problem is not None
    assert says in problem


@pytest.mark.parametrize("handle", ["", "   ", "@", " @ "])
def test_blank_handles(handle: str) -> None:
    assert handle_problem("x", handle) == (
        "Enter the X handle. An X handle is 1 to 15 letters, digits or underscores, for example"
        " @EthnicCommsNZ."
    )
    assert handle_problem("other", handle) == (
        "Enter the handle. A handle is at most 100 characters with no spaces, for example"
        " @EthnicCommunitiesNZ."
    )


def test_long_handles_are_not_echoed_in_full() -> None:
    problem = handle_problem("x", "a" * 5000)
    assert problem is not None
    assert len(problem) < 250
    assert "…" in problem


@pytest.mark.parametrize(
    ("platform", "handle", "url"),
    [
        ("facebook", "EthnicCommunitiesNZ", "https://www.facebook.com/EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://m.facebook.com/ethniccommunitiesnz/"),
        ("facebook", "EthnicCommunitiesNZ", "https://facebook.com/EthnicCommunitiesNZ?ref=x"),
        ("instagram", "@ethniccommunitiesnz", "https://www.instagram.com/ethniccommunitiesnz/"),
        ("instagram", "ethniccommunitiesnz", "https://instagram.com/ethniccommunitiesnz"),
        (
            "linkedin",
            "ministry-for-ethnic-communities",
            "https://www.linkedin.com/company/ministry-for-ethnic-communities/",
        ),
        ("x", "EthnicCommsNZ", "https://x.com/EthnicCommsNZ"),
        ("x", "@EthnicCommsNZ", "https://twitter.com/ethniccommsnz"),
        ("youtube", "EthnicCommunitiesNZ", "https://www.youtube.com/@EthnicCommunitiesNZ"),
        ("youtube", "@EthnicCommunitiesNZ", "https://youtube.com/@ethniccommunitiesnz/videos"),
        ("tiktok", "ethniccommsnz", "https://www.tiktok.com/@ethniccommsnz"),
        ("threads", "ethniccommunitiesnz", "https://www.threads.net/@ethniccommunitiesnz"),
        ("threads", "ethniccommunitiesnz", "https://threads.com/@ethniccommunitiesnz"),
        (
            "bluesky",
            "ethniccommunities.bsky.social",
            "https://bsky.app/profile/ethniccommunities.bsky.social",
        ),
        ("wechat", "EthnicCommsNZ", "https://weixin.qq.com/r/abc"),
        ("weibo", "ethnic", "https://weibo.com/u/123"),
        ("whatsapp-channel", "ethnic", "https://whatsapp.com/channel/0029VaEthnic"),
        ("other", "ethnic", "https://mastodon.nz/@ethnic"),
        ("facebook", "EthnicCommunitiesNZ", "https://FACEBOOK.COM./EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://facebook.com:443/EthnicCommunitiesNZ"),
        ("facebook", "@EthnicCommunitiesNZ", "https://facebook.com/%45thnicCommunitiesNZ"),
    ],
)
def test_valid_channel_urls(platform: str, handle: str, url: str) -> None:
    assert channel_url_problem(platform, handle, url) is None


@pytest.mark.parametrize(
    ("platform", "handle", "url", "says"),
    [
        ("x", "EthnicCommsNZ", "", "Enter the Channel URL"),
        ("x", "EthnicCommsNZ", "http://x.com/EthnicCommsNZ", "https://x.com/EthnicCommsNZ"),
        ("x", "EthnicCommsNZ", "x.com/EthnicCommsNZ", "must start with https://"),
        ("x", "EthnicCommsNZ", "javascript:alert(1)", "must start with https://"),
        ("x", "EthnicCommsNZ", "https://x.com.evil.example/EthnicCommsNZ", "must be on x.com"),
        ("x", "EthnicCommsNZ", "https://evilx.com/EthnicCommsNZ", "must be on x.com"),
        ("x", "EthnicCommsNZ", "https://x.com@evil.example/EthnicCommsNZ", "hides"),
        ("x", "EthnicCommsNZ", "https://x.com/SomeoneElse", "page for the handle"),
        ("x", "EthnicCommsNZ", "https://x.com/EthnicCommsNZ_old", "page for the handle"),
        ("x", "EthnicCommsNZ", "https://x.com/", "https://x.com/EthnicCommsNZ"),
        ("youtube", "EthnicCommunitiesNZ", "https://www.youtube.com/EthnicCommunitiesNZ", "/@"),
        ("tiktok", "ethniccommsnz", "https://www.tiktok.com/ethniccommsnz", "@ethniccommsnz"),
        (
            "linkedin",
            "ministry-for-ethnic-communities",
            "https://www.linkedin.com/in/ministry-for-ethnic-communities",
            "/company/ministry-for-ethnic-communities",
        ),
        (
            "bluesky",
            "ethniccommunities.bsky.social",
            "https://bsky.app/ethniccommunities.bsky.social",
            "/profile/",
        ),
        ("instagram", "ethnic", "https://www.facebook.com/ethnic", "instagram.com"),
        ("facebook", "EthnicCommunitiesNZ", "https://x.com/EthnicCommunitiesNZ", "facebook.com"),
        ("other", "ethnic", "http://mastodon.nz/@ethnic", "https"),
        ("other", "ethnic", "https://", "https://"),
        ("other", "ethnic", "https://exa mple.com", "spaces"),
        ("other", "ethnic", "https://example.com\\@evil.example", "backslash"),
        ("other", "ethnic", "https://[::1", "not a web address"),
        ("other", "ethnic", "https://example.com:99999/", "not a web address"),
        ("other", "ethnic", "https://exa<mple.com/", "valid site name"),
        ("x", "", "https://x.com/anything", "Enter the Handle first"),
    ],
)
def test_invalid_channel_urls(platform: str, handle: str, url: str, says: str) -> None:
    problem = channel_url_problem(platform, handle, url)
    assert problem is not None
    assert says in problem


def test_url_problem_suggests_the_address_built_from_the_handle() -> None:
    assert channel_url_problem("x", "@EthnicCommsNZ", "https://x.com/other") == (
        "The Channel URL should be the page for the handle “@EthnicCommsNZ”:"
        " “https://x.com/EthnicCommsNZ”."
    )
    assert expected_channel_url("youtube", "@EthnicCommunitiesNZ") == (
        "https://www.youtube.com/@EthnicCommunitiesNZ"
    )
    assert expected_channel_url("linkedin", "mec-nz") == "https://www.linkedin.com/company/mec-nz"
    assert expected_channel_url("other", "anything") is None
    assert expected_channel_url("x", " ") is None


def test_url_problems_do_not_echo_huge_input() -> None:
    problem = channel_url_problem("x", "EthnicCommsNZ", "https://x.com/" + "a" * 5000)
    assert problem is not None
    assert len(problem) < 300


@given(platform=st.sampled_from([*PLATFORMS, "", "nonsense"]), handle=st.text(), url=st.text())
def test_never_raises_on_any_text(platform: str, handle: str, url: str) -> None:
    handle_problem(platform, handle)
    channel_url_problem(platform, handle, url)
    channel_url_problem(platform, handle, "https://" + url)
    normalise_handle(platform, handle)
    expected_channel_url(platform, handle)
