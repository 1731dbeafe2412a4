"""Three people sign off in the browser; the proposal becomes approved."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.workflow import submitted_proposal


def test_three_signatories_approve_in_the_browser(page, client_as, people, artifacts_dir):
    proposal = submitted_proposal(client_as, people)
    signatories = [
        (people.dce_policy, "Deputy Chief Executive, Policy"),
        (people.manager, "Manager Communications"),
        (people.acting_ce, "Acting Chief Executive"),
    ]
    for step, (person, capacity) in enumerate(signatories, start=1):
        sign_in(page, person.email, factories.PASSWORD)
        page.get_by_role("link", name="Awaiting my sign-off").first.click()
        page.get_by_role("link", name=proposal.title).click()
        expect(page.get_by_text(f"You will sign as {capacity}.")).to_be_visible()
        page.screenshot(path=str(artifacts_dir / f"signoff-{step}-before.png"), full_page=True)
        page.get_by_role("button", name="Approve").click()
        expect(page.locator(".notice-success")).to_contain_text(f"as {capacity}")
        page.get_by_role("button", name="Sign out").click()

    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}")
    expect(page.get_by_text("Approved", exact=True).first).to_be_visible()
    expect(page.locator("#policy-report")).to_contain_text("All 12 rules pass.")
    status = page.locator("#signoff-status-heading + table")
    expect(status).to_contain_text("Sam Acting as Acting Chief Executive")
    page.screenshot(path=str(artifacts_dir / "signoff-approved.png"), full_page=True)


def test_the_proposer_is_told_why_they_cannot_sign(page, client_as, people):
    proposal = submitted_proposal(client_as, people)
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}/signoff")
    expect(page.locator("#decision").get_by_role("note")).to_contain_text(
        "You proposed this channel, so you cannot sign it off in any capacity."
    )
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
