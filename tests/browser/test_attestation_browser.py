"""The yearly review in a browser: the owner attests, then the liaison (someone else), and the
channel is recertified; the attestation page passes axe with and without errors."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import update

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Audit, switch_person
from tests.workflow import live_channel

QUESTIONS = (
    "Is the channel still needed?",
    "Are the terms of use still accurate?",
    "Are the hours of monitoring being kept?",
    "Are the people named still right?",
)


def answer_yes(page, name: str, notes: str) -> None:  # noqa: ANN001
    for question in QUESTIONS:
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_label("Notes").fill(notes)
    page.get_by_label("Your full name").fill(name)


def test_the_owner_then_the_liaison_attest_and_it_is_recertified(
    page, client_as, people, db, artifacts_dir
):
    channel = live_channel(client_as, people)
    due = agency_today() + timedelta(days=10)
    db.session.execute(update(Channel).where(Channel.id == channel.id).values(review_due=due))
    db.session.commit()
    audit = Audit(page)

    # The owner (Tama, who proposed it) finds it on the dashboard, with the due date.
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    waiting = page.get_by_role("region", name="Channel reviews waiting for my attestation (1)")
    expect(waiting).to_contain_text(f"due {due:%-d %B %Y}")
    waiting.get_by_role("link", name=channel.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Attest to the review of {channel.name}"
    )
    expect(page).to_have_title(re.compile(f"^Attest to the review of channel: {channel.name} –"))
    audit.check("attestation")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "Say whether the channel is still needed."
    )
    audit.check("attestation, errors")

    # A no is not an attestation: the page offers a change or closing instead.
    for question in QUESTIONS:
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_role("group", name=QUESTIONS[2]).get_by_label("No").check()
    page.get_by_label("Notes").fill("Weekend cover slipped in March.")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator(".error-summary")).to_contain_text("this is not an attestation")
    expect(
        page.get_by_role("button", name="Ask the Communications team to close it")
    ).to_be_visible()
    expect(page.get_by_label("Notes")).to_have_value("Weekend cover slipped in March.")
    audit.check("attestation, a no answer")

    answer_yes(page, "Tama Rāwiri", "Weekend cover is back; still our Pasifika voice.")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator(".notice-success")).to_contain_text("Your attestation")
    attestations = page.get_by_role(
        "table", name=f"Attestations for the review due {due:%-d %B %Y}"
    )
    expect(attestations).to_contain_text("Tama Rāwiri")
    expect(attestations).to_contain_text("Awaited, from Mere Tane")

    # The liaison, someone else, gives the second: recertified.
    switch_person(page, people.comms.email)
    page.get_by_role("region", name="Channel reviews waiting for my attestation (1)").get_by_role(
        "link", name=channel.name
    ).click()
    expect(page.get_by_text("Tama Rāwiri", exact=False).first).to_be_visible()
    answer_yes(page, "Mere Tane", "Checked the inbox rota with the team.")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator(".notice-success")).to_contain_text("Both attestations are in")
    next_due = page.locator(".notice-success").inner_text()
    assert "Next review due" in next_due
    expect(
        page.get_by_text("recertified, attested by Tama Rāwiri (owner) and Mere Tane (liaison)")
    ).to_be_visible()
    page.screenshot(
        path=str(artifacts_dir / "channel-recertified-by-attestations.png"), full_page=True
    )
    audit.assert_clean()
