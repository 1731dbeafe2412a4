"""The public pages in English and te reo Māori, the choice remembered; staff pages in English;
the register says which languages each channel posts in; names in any script keep their
direction inside the page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from registry.charters.models import Charter
from registry.i18n import LANGUAGE_COOKIE
from tests.public_channels import live_channel

PUBLIC_PAGES = ["/register/", "/register/?account=%40MECNZ", "/charters/verify"]


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', page)
    assert match, page[:200]
    return match.group(1)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_are_in_english_until_someone_chooses(client, register_on, url):
    page = client.get(url).get_data(as_text=True)
    assert html_lang(page) == "en-NZ"
    # The switch offers te reo Māori, labelled in te reo Māori.
    assert 'lang="mi" hreflang="mi">Te reo Māori</a>' in page


def test_the_switch_turns_the_register_into_te_reo_and_remembers(client, register_on, db):
    response = client.get("/register/?lang=mi")
    page = response.get_data(as_text=True)
    assert html_lang(page) == "mi"
    assert "He pūkete ōkawa tēnei?" in page
    assert "Ngā hongere ōkawa katoa" in page
    assert "Is this account official?" not in page
    # The agency is named by its te reo name in te reo sentences; its English name, still in
    # the header, is marked as English.
    assert "<h1>Ngā hongere pāpāho pāpori ōkawa o Te Tari Mātāwaka</h1>" in page
    assert '<span class="brand-agency" lang="en-NZ">Ministry for Ethnic Communities</span>' in page
    # Back to English offered, in English.
    assert 'lang="en" hreflang="en">English</a>' in page
    assert LANGUAGE_COOKIE in response.headers["Set-Cookie"]
    assert "Accept-Language" in response.headers["Vary"]
    # The next public page, without asking again, opens in te reo Māori.
    verify = client.get("/charters/verify").get_data(as_text=True)
    assert html_lang(verify) == "mi"
    assert "Manatoko i tētahi tūtohinga" in verify
    # And back.
    client.get("/register/?lang=en")
    assert html_lang(client.get("/register/").get_data(as_text=True)) == "en-NZ"


def test_dates_on_a_te_reo_page_are_written_in_te_reo(client_as, client, people, db):
    live_channel(client_as, people, db)
    charter = db.session.scalar(select(Charter))
    page = client.get(f"/charters/{charter.number}/verify?lang=mi").get_data(as_text=True)
    month = ["Hānuere", "Pēpuere", "Māehe", "Āperira", "Mei", "Hune", "Hūrae", "Ākuhata"]
    month += ["Hepetema", "Oketopa", "Noema", "Tīhema"]
    issued = re.search(r"<dt>I tukuna</dt><dd>([^<]+)</dd>", page).group(1)
    assert any(f" {name} " in issued for name in month), issued
    english = client.get(f"/charters/{charter.number}/verify?lang=en").get_data(as_text=True)
    assert not any(f" {name} " in english for name in month if name != "Mei")


def test_a_browser_asking_for_te_reo_gets_it(client, register_on):
    page = client.get("/register/", headers={"Accept-Language": "mi, en;q=0.5"})
    assert html_lang(page.get_data(as_text=True)) == "mi"


def test_an_odd_language_in_the_address_is_ignored(client, register_on):
    response = client.get("/register/?lang=xx%3Cscript%3E")
    assert response.status_code == 200
    assert html_lang(response.get_data(as_text=True)) == "en-NZ"
    assert LANGUAGE_COOKIE not in response.headers.get("Set-Cookie", "")


def test_errors_on_a_public_form_are_in_the_chosen_language(client, register_on):
    page = client.get("/register/?lang=mi&account=").get_data(as_text=True)
    assert "He raruraru" in page  # the error summary's heading
    assert "Tāurua te wāhitau ipurangi" in page


def test_staff_pages_stay_english_whatever_was_chosen(client_as, register_on):
    comms = client_as("comms")
    comms.get("/register/?lang=mi")
    page = comms.get("/inventory/").get_data(as_text=True)
    assert html_lang(page) == "en-NZ"
    assert "Skip to main content" in page


def test_the_register_says_which_languages_a_channel_posts_in(client_as, client, people, db):
    channel = live_channel(client_as, people, db)
    assert channel.language_list == ["English", "Samoan", "Tongan"]
    client.application.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        page = client.get("/register/").get_data(as_text=True)
        assert '<th scope="col">Posts in</th>' in page
        assert "English, Samoan and Tongan" in page
        assert "Not recorded" not in page  # every channel here came through a proposal
        assert "Ngā reo" in client.get("/register/?lang=mi").get_data(as_text=True)
    finally:
        client.application.config["PUBLIC_REGISTER_ENABLED"] = False


def test_a_name_in_arabic_script_keeps_its_direction_in_the_page(client_as, client, people, db):
    live_channel(client_as, people, db, channel_name="MEC اردو کمیونٹی", handle="MECUrdu")
    client.application.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        page = client.get("/register/").get_data(as_text=True)
        assert '<span dir="auto">MEC اردو کمیونٹی</span>' in page
        answer = client.get("/register/?account=MECUrdu").get_data(as_text=True)
        assert '<strong dir="auto">MEC اردو کمیونٹی</strong>' in answer
    finally:
        client.application.config["PUBLIC_REGISTER_ENABLED"] = False


def test_what_someone_typed_is_shown_back_escaped_in_both_languages(client, register_on):
    for language in ("en", "mi"):
        page = client.get(
            "/register/", query_string={"account": "<b>x</b>", "lang": language}
        ).get_data(as_text=True)
        assert "<b>x</b>" not in page
        assert "<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>" in page


def test_an_error_on_a_public_page_is_in_the_chosen_language(client):
    # The register is off by default: its address is a page that does not exist.
    response = client.get("/register/?lang=mi")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert html_lang(page) == "mi"
    assert "<h1>Kāore i kitea te whārangi</h1>" in page
    assert "Hapa 404." in page
    english = client.get("/register/?lang=en").get_data(as_text=True)
    assert "<h1>Page not found</h1>" in english


def test_the_agency_owns_its_channels_as_each_language_writes_it(client, register_on):
    english = html.unescape(client.get("/register/?lang=en").get_data(as_text=True))
    assert "<h1>Ministry for Ethnic Communities' official social media channels</h1>" in english
    te_reo = client.get("/register/?lang=mi").get_data(as_text=True)
    assert "<h1>Ngā hongere pāpāho pāpori ōkawa o Te Tari Mātāwaka</h1>" in te_reo
