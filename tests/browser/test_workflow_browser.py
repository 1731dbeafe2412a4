"""Replying to a change request, accepting a security risk and scheduling a closure, in a
browser, with axe-core on each new page state."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Audit
from tests.workflow import approved_proposal, decide, live_channel, submitted_proposal


def test_reply_to_a_change_request(page, people, client_as, db):  # noqa: ANN001
    audit = Audit(page)
    proposal = submitted_proposal(client_as, people)
    decide(client_as("manager"), proposal, "request-changes", comment="Add Samoan.")

    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}")
    page.get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".notice-error")).to_contain_text("nothing has changed since")
    audit.check("proposal, changes requested")
    page.get_by_role("button", name="Reply to the comment").click()
    expect(page.locator(".error-summary")).to_contain_text("Write your reply")
    audit.check("proposal, reply with errors")
    page.get_by_label("Your reply").fill("Samoan is already listed under Languages.")
    page.get_by_role("button", name="Reply to the comment").click()
    page.get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".tag").first).to_have_text("Awaiting sign-off")

    page.context.clear_cookies()
    sign_in(page, people.manager.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}/signoff")
    expect(page.locator(".history")).to_contain_text("Samoan is already listed under Languages.")
    audit.check("sign-off page with a reply")
    audit.assert_clean()


def test_accept_a_security_risk_then_go_live(page, people, client_as, db):  # noqa: ANN001
    audit = Audit(page)
    proposal = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))

    sign_in(page, people.manager.email, factories.PASSWORD)
    page.goto(f"/channels/{channel.id}")
    audit.check("channel, risk to accept")
    page.get_by_role("button", name="Accept the risk").click()
    expect(page.locator(".error-summary")).to_contain_text("Say why the risk is acceptable")
    audit.check("channel, risk acceptance with errors")
    page.get_by_label("Why the risk is acceptable").fill("Launch is booked; MFA this week.")
    page.get_by_role("button", name="Accept the risk").click()
    expect(page.locator("#security-risk")).to_contain_text("Risk accepted")
    audit.check("channel, risk accepted")

    page.context.clear_cookies()
    sign_in(page, people.comms.email, factories.PASSWORD)
    page.goto(f"/channels/{channel.id}")
    page.get_by_label("Channel URL").fill("https://www.facebook.com/MECPasifika")
    page.get_by_role("button", name="Mark as live").click()
    expect(page.locator(".notice-success")).to_contain_text("is live")
    audit.assert_clean()


def test_schedule_and_cancel_a_closure(page, people, client_as, db):  # noqa: ANN001
    audit = Audit(page)
    channel = live_channel(client_as, people)
    day = agency_today() + timedelta(days=14)

    sign_in(page, people.comms.email, factories.PASSWORD)
    page.goto(f"/channels/{channel.id}/decommission")
    page.get_by_label("Date closed").fill((agency_today() - timedelta(days=400)).isoformat())
    page.get_by_label("Reason").fill("Merged into the main page.")
    page.get_by_role("button", name="Decommission").click()
    expect(page.locator(".error-summary")).to_contain_text("cannot close before then")
    audit.check("decommission, date before the start")
    page.get_by_label("Date closed").fill(day.isoformat())
    page.get_by_role("button", name="Decommission").click()
    expect(page.locator(".notice-success")).to_contain_text("will close on")
    audit.check("channel, closure scheduled")
    page.get_by_role("link", name="Inventory").click()
    expect(page.get_by_text(f"Closing on {day:%-d %B %Y}")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Cancel the scheduled closure").click()
    expect(page.locator(".notice-success")).to_contain_text("cancelled")
    audit.assert_clean()
