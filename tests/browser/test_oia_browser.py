"""In the browser: log an information request and see its due date; complete account security."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from tests import factories
from tests.browser.conftest import sign_in
from tests.workflow import accept_security_risk, approved_proposal


def test_log_a_request_and_complete_the_security_checklist(
    page, client_as, people, db, artifacts_dir
):
    proposal = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    accept_security_risk(client_as, channel.id)
    client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": "https://www.facebook.com/MECPasifika"}
    )

    sign_in(page, people.comms.email, factories.PASSWORD)
    page.goto(f"/channels/{channel.id}")
    page.get_by_role("link", name="Log an information request").click()
    page.get_by_label("Date received").fill("2025-04-17")
    page.get_by_label("Time received").fill("16:45")
    page.get_by_label("Requester").fill("@curious_kiwi")
    page.get_by_label("What they asked for").fill("What languages do you post in?")
    page.get_by_label("Handled by").select_option(label="Tama Rāwiri")
    page.get_by_role("button", name="Log request").click()
    # Received just before Easter and Anzac Day 2025: 20 working days ends 20 May.
    expect(page.locator(".notice-success")).to_contain_text("due by 20 May 2025")
    page.screenshot(path=str(artifacts_dir / "information-request.png"), full_page=True)

    page.get_by_role("link", name="MEC Pasifika Communities").click()
    expect(page.locator("#security-heading + p")).to_contain_text("5 of 5 checks fail")
    page.get_by_role("link", name="Update account security").click()
    admins = page.get_by_role("group", name="People with admin access on the platform")
    admins.get_by_label("Mere Tane").check()
    admins.get_by_label("Hemi Walker").check()
    page.get_by_label("Multi-factor authentication is on for every admin").check()
    page.get_by_label("Recovery email").fill("comms@ethniccommunities.govt.nz")
    page.get_by_label("Where the credentials are held").fill("Comms vault, item MEC Pasifika")
    page.get_by_label("Last access review").fill(agency_today().isoformat())
    page.get_by_role("button", name="Save account security").click()
    expect(page.locator("#security-heading + p")).to_contain_text("All 5 checks pass")
    page.screenshot(path=str(artifacts_dir / "account-security.png"), full_page=True)
