"""What a screen reader says first on a new page: its title, and where focus lands.

From an independent accessibility audit: a title names the kind of page and starts with
"Error:" after a failed submit; after an action it starts with the outcome and the notice takes
focus; Enter in a text box of a section of the proposal form saves it (not "Add another
monitoring window"), and a window that is added takes focus and says so.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Audit
from tests.proposal_data import good_form
from tests.workflow import draft_proposal, fill_in, submitted_proposal

SITE = " – Channel governance registry – Ministry for Ethnic Communities"


def test_a_failed_submit_starts_the_title_with_error(page, people, client_as):
    proposal = draft_proposal(client_as, people, neutrality_confirmed=None)
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}/edit")
    expect(page).to_have_title(f"Edit proposal: {proposal.title}{SITE}")
    page.goto(f"/proposals/{proposal.id}/check-answers")
    expect(page).to_have_title(f"Check your answers: {proposal.title}{SITE}")

    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page).to_have_title(f"Error: Check your answers: {proposal.title}{SITE}")

    # Sign-in's own summary (not a form's) says so too, once.
    page.context.clear_cookies()
    page.goto("/sign-in")
    page.get_by_label("Email").fill(people.staff_policy.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(f"Error: Sign in{SITE}")


def test_after_an_action_the_title_says_the_outcome_and_focus_is_on_it(page, people, client_as):
    proposal = draft_proposal(client_as, people)
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}/check-answers")
    page.get_by_role("button", name="Submit for sign-off").click()
    notice = page.locator(".notice-success")
    expect(notice).to_contain_text("Submitted for sign-off")
    expect(notice).to_be_focused()
    expect(page).to_have_title(
        f"Submitted for sign-off. The signatories have been told – Proposal: {proposal.title}{SITE}"
    )
    audit = Audit(page)
    audit.check("proposal page, just submitted, its notice focused")

    # A signatory's decision: the sign-off page names itself, the outcome names the capacity.
    page.context.clear_cookies()
    sign_in(page, people.manager.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}/signoff")
    expect(page).to_have_title(f"Sign off: {proposal.title}{SITE}")
    page.get_by_role("button", name="Approve").click()
    notice = page.locator(".notice-success")
    expect(notice).to_be_focused()
    expect(page).to_have_title(
        re.compile(rf"^You signed off {re.escape(proposal.title)} as Manager Communications – ")
    )
    audit.assert_clean()


def test_enter_in_a_text_box_saves_the_section_and_adds_no_window(page, people, client_as):
    proposal = draft_proposal(client_as, people)
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}/edit/terms")
    rows = page.get_by_label("Day").count()
    page.get_by_label("Out-of-hours message").fill("We reply on Monday.")
    page.get_by_label("From").first.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {proposal.title}")
    expect(page.locator(".notice-success")).to_contain_text("Draft saved")
    page.goto(f"/proposals/{proposal.id}/edit/terms")
    expect(page.get_by_label("Day")).to_have_count(rows)
    expect(page.get_by_label("Out-of-hours message")).to_have_value("We reply on Monday.")

    # The button that makes it so is neither seen nor reached with Tab.
    default = page.locator("button.default-action")
    expect(default).to_have_attribute("tabindex", "-1")
    expect(default).to_have_attribute("aria-hidden", "true")
    expect(page.get_by_role("button", name="Save and continue", exact=True)).to_have_count(1)
    audit = Audit(page)
    audit.check("a section of the proposal form with its default button")
    audit.assert_clean()


def test_adding_a_window_focuses_the_new_row_and_says_so(page, people, client_as):
    proposal_id = fill_in(client_as("staff_policy"), good_form(people), sections=["about"])
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal_id}/edit/terms")
    rows = page.get_by_label("Day").count()
    page.get_by_label("Terms of use").fill("Be kind.")
    page.get_by_role("button", name="Add another monitoring window").click()

    expect(page.get_by_label("Day")).to_have_count(rows + 1)
    new_day = page.get_by_label("Day").nth(rows)
    expect(new_day).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="added")).to_have_text(
        f"Monitoring window {rows + 1} added."
    )
    expect(new_day).to_have_accessible_description(f"Monitoring window {rows + 1} added.")
    expect(page.get_by_label("Terms of use")).to_have_value("Be kind.")
    audit = Audit(page)
    audit.check("proposal form, a window just added")
    audit.assert_clean()


def test_a_submitted_proposal_names_its_kind_in_the_title(page, people, client_as):
    proposal = submitted_proposal(client_as, people)
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}")
    expect(page).to_have_title(f"Proposal: {proposal.title}{SITE}")
    expect(page.locator("[data-autofocus]")).to_have_count(0)
