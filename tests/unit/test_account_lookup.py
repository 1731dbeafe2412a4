"""How a pasted address, handle or name is compared with a channel's: exact after normalising."""

from __future__ import annotations

import pytest

from registry.policy.accounts import account_address, handle_key, looks_like_address, name_key

CHANNEL = "https://www.facebook.com/MECPasifika"


@pytest.mark.parametrize(
    "typed",
    [
        "https://www.facebook.com/MECPasifika",
        "http://facebook.com/mecpasifika/",
        "facebook.com/MECPASIFIKA",
        "https://m.facebook.com/MECPasifika?ref=share&utm_source=x",
        "www.facebook.com/MECPasifika#about",
        "https://www.facebook.com/MECPasifika/posts/12345",  # a post on the page
        "https://facebook.com:443/MECPasifika",
    ],
)
def test_the_same_page_however_it_is_written(typed):
    assert account_address(typed).is_under(account_address(CHANNEL))


@pytest.mark.parametrize(
    "typed",
    [
        "https://www.facebook.com/MECPasifika.fake",
        "https://www.facebook.com/MECPasifika2",
        "https://facebook.com.evil.example/MECPasifika",
        "https://faceb00k.com/MECPasifika",
        "https://www.instagram.com/MECPasifika",
        "https://www.facebook.com/",
        "https://www.facebook.com@evil.example/MECPasifika",
        "https://evil.example/www.facebook.com/MECPasifika",
        "https://www.facebook.com:8443/MECPasifika",
        "https://www.facebook.com/pages/MECPasifika",
    ],
)
def test_lookalike_addresses_are_not_the_page(typed):
    address = account_address(typed)
    assert address is None or not address.is_under(account_address(CHANNEL))


def test_one_platform_under_its_several_names():
    assert account_address("twitter.com/MECNZ").is_under(account_address("https://x.com/MECNZ"))


def test_on_other_sites_the_parameter_naming_the_account_counts():
    channel = account_address("https://weibo.example.cn/profile?id=123")
    assert account_address("weibo.example.cn/profile?id=123&from=share").is_under(channel)
    assert not account_address("weibo.example.cn/profile?id=999").is_under(channel)
    assert not account_address("weibo.example.cn/profile").is_under(channel)
    # Off the known platforms, a deeper page is not the account's page.
    assert not account_address("weibo.example.cn/profile/other?id=123").is_under(channel)


@pytest.mark.parametrize("odd", ["", "   ", "https://", "https://[::1", "javascript:alert(1)"])
def test_odd_text_is_no_address(odd):
    assert account_address(odd) is None or account_address(odd).path == ()


def test_what_looks_like_an_address():
    assert looks_like_address("facebook.com/MECNZ")
    assert looks_like_address("ethniccommunities.bsky.social")
    assert not looks_like_address("@MECNZ")
    assert not looks_like_address("MEC Pasifika Communities")


def test_handles_ignore_at_sign_and_case():
    assert handle_key(" @MECPasifika ") == handle_key("mecpasifika") == "mecpasifika"


def test_names_ignore_case_macrons_punctuation_and_hidden_characters():
    assert name_key("Te Tari Mātāwaka") == name_key("te tari MATAWAKA") == "te tari matawaka"
    assert name_key("MEC — Pasifika  Communities.") == name_key("mec pasifika communities")
    assert name_key("MEC Pasi\u200bfika Communities") == name_key("MEC Pasifika Communities")
    assert name_key("МЕС Pasifika Communities") != name_key("MEC Pasifika Communities")  # Cyrillic
    assert name_key("MEC") != name_key("MEC Pasifika Communities")
    assert name_key("!!!") == ""
