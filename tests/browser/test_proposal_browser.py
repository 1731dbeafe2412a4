"""A proposer fills the form by its labels, a section at a time, sees what the policy still
needs, fixes it from check your answers, and submits."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import choose_person, sign_in


def save_and_continue(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit MEC Pasifika Communities")


def test_propose_fix_and_submit(page, people, artifacts_dir):
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.get_by_role("link", name="New proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About the channel")

    page.get_by_label("Channel name").fill("MEC Pasifika Communities")
    page.get_by_label("Platform", exact=True).select_option(label="Instagram")
    page.get_by_label("Handle").fill("@mec.pasifika")
    page.get_by_label("Purpose").fill("Share news and events with Pasifika communities.")
    page.get_by_label("Audience").fill("Pasifika communities in Aotearoa New Zealand.")
    languages = page.get_by_role("group", name="Languages")
    languages.get_by_label("Samoan").check()
    languages.get_by_label("Tongan").check()
    save_and_continue(page)

    page.get_by_role("link", name="Terms of use and monitoring").click()
    page.get_by_label("Day").nth(0).select_option(label="Monday")
    page.get_by_label("From").nth(0).fill("09:00")
    page.get_by_label("To", exact=True).nth(0).fill("17:00")
    page.get_by_label("Day").nth(1).select_option(label="Tuesday")
    page.get_by_label("From").nth(1).fill("09:00")
    page.get_by_label("To", exact=True).nth(1).fill("17:00")
    page.get_by_label("Terms of use").fill("Be respectful. We remove abuse and spam.")
    save_and_continue(page)
    expect(page.locator("#status-terms")).to_have_text("Needs attention")  # hours not stated

    page.get_by_role("link", name="Profile and links").click()
    page.get_by_label("Profile statement").fill("News for Pasifika communities.")
    page.get_by_label("Profile links").fill("https://www.ethniccommunities.govt.nz")
    page.get_by_label("Reason no related channel applies").fill(
        "This is the first channel for these communities."
    )
    save_and_continue(page)

    page.get_by_role("link", name="People").click()
    choose_person(page, "Communications liaison", "mere", "Mere Tane")
    choose_person(page, "Authorised spokespeople", "tama", "Tama Rāwiri")
    choose_person(page, "Peer reviewers", "daniel", "Daniel Chen")
    choose_person(page, "Information requests contact", "tama", "Tama Rāwiri")
    save_and_continue(page)

    # The proposal's page: the report says what is missing.
    page.get_by_role("link", name="Back to MEC Pasifika Communities").click()
    report = page.locator("#policy-report")
    expect(report).to_contain_text("3 of 11 rules still need attention.")
    for rule_id in ("SMP-HOURS", "SMP-SUPPORTED-BY", "SMP-NEUTRAL"):
        expect(report.locator("tr.fail", has_text=rule_id)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "policy-report.png"), full_page=True)

    # Submitting now is refused, with a summary that links to each field on its section.
    page.get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Submit for sign-off").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("SMP-NEUTRAL")
    page.screenshot(path=str(artifacts_dir / "proposal-errors.png"), full_page=True)
    summary.get_by_role("link", name="SMP-SUPPORTED-BY").first.click()
    expect(page.get_by_label("Profile statement")).to_be_focused()

    # Fix: name the agency, insert the hours statement, confirm neutrality.
    page.get_by_label("Profile statement").fill(
        "News for Pasifika communities, supported by Te Tari Matawaka."
    )
    save_and_continue(page)
    page.get_by_role("link", name="Terms of use and monitoring").click()
    page.get_by_role("button", name="Insert monitoring hours statement").click()
    expect(page.get_by_label("Terms of use")).to_have_value(
        "Be respectful. We remove abuse and spam.\n\nWe monitor this page Monday and Tuesday, "
        "9:00am to 5:00pm NZ time. Messages sent outside these hours are answered when we are "
        "next monitoring."
    )
    save_and_continue(page)
    page.get_by_role("link", name="Confirmation").click()
    page.get_by_label(
        "I confirm political and commercial neutrality, privacy and copyright"
    ).check()
    save_and_continue(page)
    expect(page.get_by_text("You have completed 5 of 5 sections.")).to_be_visible()

    # A change from check your answers goes straight to its field.
    page.get_by_role("link", name="Check your answers").click()
    page.get_by_role("link", name="Change Audience").click()
    expect(page.get_by_label("Audience")).to_be_focused()
    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Check your answers").click()
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".notice-success")).to_contain_text("Submitted for sign-off")
    # The sign-offs are still to come: waiting, not failing.
    expect(page.locator("#policy-report")).to_contain_text("the sign-offs are still to come")
    expect(page.locator("#policy-report tr.waiting")).to_contain_text("SMP-APPROVALS")
    expect(page.locator("#policy-report tr.fail")).to_have_count(0)
    expect(page.get_by_text("Awaiting sign-off", exact=True)).to_be_visible()
