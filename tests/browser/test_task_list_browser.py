"""The proposal's task list with the keyboard only: each section in turn, Enter to save, an
error summary that moves focus to its field, check your answers, a refused submit that leads
back to the section to fix, and the submit. axe-core checks the task list, a section page
with errors and check your answers (0 violations); screenshots are kept as test artifacts."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.test_accessibility import Audit
from tests.browser.test_keyboard import Keyboard, button, by_id, describe, labelled, link

SECTIONS = ("about", "terms", "profile", "people", "confirmation")


def statuses(page) -> dict[str, str]:  # noqa: ANN001
    return {slug: page.locator(f"#status-{slug}").inner_text() for slug in SECTIONS}


def save(keys: Keyboard) -> None:
    keys.tab_to(button("Save and continue"))
    keys.activate()
    expect(keys.page.get_by_role("heading", level=1)).to_have_text("Edit MEC Pasifika Communities")


def test_fill_in_each_section_with_the_keyboard_check_answers_and_submit(
    page, people, artifacts_dir
):
    audit = Audit(page)
    keys = Keyboard(page)
    keys.sign_in(people.staff_policy.email, factories.PASSWORD)
    keys.tab_to(link("New proposal"))
    keys.activate()
    assert page.get_by_role("link", name="New proposal").get_attribute("aria-current") == "page"
    expect(page.get_by_role("heading", level=1)).to_have_text("About the channel")

    # About the channel; Enter in a text box saves (the form's hidden first button).
    keys.tab_to(labelled("Platform"))
    keys.choose("Facebook")
    keys.tab_to(labelled("Handle"))
    keys.type("MECPasifika")
    keys.tab_to(labelled("Purpose"))
    keys.type("Share news and events with Pasifika communities.")
    keys.tab_to(labelled("Audience"))
    keys.type("Pasifika communities in Aotearoa New Zealand.")
    keys.tab_to(labelled("Channel name"), back=True)
    keys.type("MEC Pasifika Communities")
    keys.activate("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit MEC Pasifika Communities")
    assert statuses(page) == {
        "about": "Complete",
        "terms": "Not started",
        "profile": "Not started",
        "people": "Not started",
        "confirmation": "Not started",
    }

    # Terms of use and monitoring: inserting the statement before any window is refused; the
    # summary takes focus and its link moves focus to the first window's day.
    keys.tab_to(link("Terms of use and monitoring"))
    keys.activate()
    keys.tab_to(labelled("Terms of use"))
    keys.type("Be respectful. We remove abuse and spam.")
    keys.tab_to(button("Insert monitoring hours statement"))
    keys.activate()
    summary = keys.focused()
    keys.assert_focus_visible(summary)
    assert "error-summary" in summary["classes"], describe(summary)
    assert page.title().startswith("Error: Terms of use and monitoring")
    audit.check("section page with errors")
    keys.tab_to(link("Add at least one monitoring window", exact=False))
    page.keyboard.press("Enter")
    assert keys.focused()["id"] == "monitoring_windows-0-weekday"
    keys.choose("Monday")
    keys.tab_to(by_id("monitoring_windows-0-starts"))
    keys.type("0900")
    keys.type("a")  # the time box's am/pm part
    assert keys.focused()["value"] == "09:00"
    keys.tab_to(by_id("monitoring_windows-0-ends"))
    keys.type("1700")
    assert keys.focused()["value"] == "17:00"
    keys.tab_to(button("Insert monitoring hours statement"))
    keys.activate()
    expect(page.get_by_label("Terms of use")).to_have_value(
        re.compile(r"Be respectful\..*\n\nWe monitor this page Monday, 9:00am to 5:00pm NZ time")
    )
    save(keys)

    # Profile and links, without saying who supports the channel: it needs attention.
    keys.tab_to(link("Profile and links"))
    keys.activate()
    keys.tab_to(labelled("Profile statement"))
    keys.type("News and events for Pasifika communities.")
    keys.tab_to(labelled("Profile links"))
    keys.type("https://www.ethniccommunities.govt.nz")
    keys.tab_to(labelled("Reason no related channel applies"))
    keys.type("This is the first channel for these communities.")
    save(keys)
    assert statuses(page) == {
        "about": "Complete",
        "terms": "Complete",
        "profile": "Needs attention",
        "people": "Not started",
        "confirmation": "Not started",
    }
    expect(page.get_by_text("You have completed 2 of 5 sections.")).to_be_visible()
    audit.check("task list")
    page.screenshot(path=str(artifacts_dir / "task-list.png"), full_page=True)

    keys.tab_to(link("People"))
    keys.activate()
    keys.tab_to(by_id("liaison-search"))
    keys.pick("mere", "Mere Tane")
    keys.tab_to(by_id("spokespeople-search"))
    keys.pick("tama", "Tama Rāwiri")
    keys.tab_to(by_id("peer_reviewers-search"))
    keys.pick("daniel", "Daniel Chen")
    keys.tab_to(by_id("information_contact-search"))
    keys.pick("rāwiri", "Tama Rāwiri")
    save(keys)

    keys.tab_to(link("Confirmation"))
    keys.activate()
    keys.tab_to(labelled("I confirm political and commercial neutrality, privacy and copyright"))
    page.keyboard.press("Space")
    assert keys.focused()["checked"]
    save(keys)

    # Submitting with a rule still failing: refused on check your answers, which links to the
    # field to fix on its section's page.
    keys.tab_to(link("Check your answers"))
    keys.activate()
    keys.tab_to(button("Submit for sign-off"))
    keys.activate()
    summary = keys.focused()
    assert "error-summary" in summary["classes"], describe(summary)
    expect(page.locator(".error-summary")).to_contain_text("SMP-SUPPORTED-BY")
    audit.check("check your answers, submit refused")
    keys.tab_to(link("SMP-SUPPORTED-BY:", exact=False))
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile and links")
    f = keys.focused()  # the field to fix, ready to type in
    keys.assert_focus_visible(f)
    assert f["id"] == "profile_statement", describe(f)
    page.keyboard.press("Control+a")
    keys.type("News and events, supported by the Ministry for Ethnic Communities.")
    save(keys)
    assert set(statuses(page).values()) == {"Complete"}

    keys.tab_to(link("Check your answers"))
    keys.activate()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting"
    )
    expect(page.get_by_text("Every rule of the Social Media Policy passes.")).to_be_visible()
    audit.check("check your answers")
    page.screenshot(path=str(artifacts_dir / "check-answers.png"), full_page=True)
    keys.tab_to(button("Submit for sign-off"))
    keys.activate()
    expect(page.locator(".notice-success")).to_contain_text("Submitted for sign-off")
    expect(page.get_by_text("Awaiting sign-off", exact=True)).to_be_visible()
    audit.assert_clean()
