"""The social media transparency statement in a real browser: found from the public register,
in English and te reo Māori through the language switch, with no axe-core violations, and the
Communications team's introduction form."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_accessibility import Audit, live_channel, switch_person


def test_the_statement_in_english_and_te_reo(page, people, client_as, db, register_on):
    live_channel(client_as, people, db, channel_name="اردو کمیونٹی MEC")
    audit = Audit(page)
    page.goto("/register/")
    page.get_by_role("link", name="social media transparency statement", exact=True).click()
    expect(page).to_have_title(
        "Social media transparency statement – Channel governance registry – "
        "Ministry for Ethnic Communities"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Social media transparency statement")
    expect(
        page.get_by_role("heading", level=3, name="اردو کمیونٹی MEC", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("Monday, 8:30am to 5:00pm").first).to_be_visible()
    audit.check("transparency statement")
    page.get_by_role("link", name="Te reo Māori", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "mi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tauākī pūataata pāpāho pāpori")
    expect(page.get_by_role("heading", level=2, name="Ā mātou hongere ōkawa")).to_be_visible()
    expect(page.get_by_text("Mane, ").first).to_be_visible()
    audit.check("transparency statement, te reo Māori")
    page.get_by_role("link", name="Putanga 1", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("He putanga o mua tēnei")
    audit.check("transparency statement, an earlier version, te reo Māori")
    page.get_by_role("link", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en-NZ")
    expect(page.get_by_role("status")).to_contain_text("This is an earlier version (version 1)")
    audit.check("transparency statement, an earlier version")
    audit.assert_clean()


def test_the_introduction_form(page, people, db, register_on):
    audit = Audit(page)
    switch_person(page, people.comms.email)
    page.goto("/transparency/introduction")
    expect(page).to_have_title(
        "Transparency statement introduction – Channel governance registry – "
        "Ministry for Ethnic Communities"
    )
    page.get_by_label("Introduction in te reo Māori (optional)").fill("Nau mai, haere mai.")
    page.get_by_role("button", name="Save introduction").click()
    expect(page.get_by_role("alert")).to_contain_text("Write the introduction in English.")
    expect(page.get_by_label("Introduction in te reo Māori (optional)")).to_have_value(
        "Nau mai, haere mai."
    )
    audit.check("transparency introduction, refused")
    page.get_by_label("Introduction in English").fill("Welcome to our social media.")
    page.get_by_role("button", name="Save introduction").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved: the statement is now version")
    audit.check("transparency introduction, saved")
    page.goto("/transparency?lang=mi")
    expect(page.get_by_text("Nau mai, haere mai.")).to_be_visible()
    audit.check("transparency statement with its introduction, te reo Māori")
    audit.assert_clean()
