"""The Communications team finds overdue reviews, attests to one as its liaison (the owner
has attested: it is recertified), decommissions another."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from tests import factories
from tests.browser.conftest import sign_in
from tests.workflow import accept_security_risk, approved_proposal


def test_attest_and_decommission(page, client_as, people, db, artifacts_dir):
    for handle, name in (("MECPasifika", "MEC Pasifika Communities"), ("MECOld", "MEC Old Page")):
        proposal = approved_proposal(client_as, people, handle=handle, channel_name=name)
        channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
        accept_security_risk(client_as, channel.id)
        client_as("comms").post(
            f"/channels/{channel.id}/live",
            data={"channel_url": f"https://www.facebook.com/{handle}"},
        )
        if handle == "MECPasifika":
            accept_security_risk(client_as, channel.id)  # for the recertification below
            owner = client_as("staff_policy").post(
                f"/channels/{channel.id}/attest",
                data={
                    "still_needed": "yes",
                    "terms_accurate": "yes",
                    "hours_kept": "yes",
                    "spokespeople_right": "yes",
                    "signed_name": "Tama Rāwiri",
                    "cycle": "0",
                    "outcome": "attest",
                },
            )
            assert owner.status_code == 302, owner.get_data(as_text=True)[:2000]
    db.session.execute(update(Channel).values(review_due=agency_today() - timedelta(days=10)))
    db.session.commit()

    sign_in(page, people.comms.email, factories.PASSWORD)
    page.get_by_role("link", name="Inventory").click()
    page.get_by_label("Review", exact=True).select_option(label="Review overdue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"review=overdue"))  # the view is a shareable link
    expect(page.get_by_role("status").filter(has_text="channels match")).to_have_text(
        "2 channels match these filters (of 2 in the inventory)."
    )
    page.screenshot(path=str(artifacts_dir / "inventory-overdue.png"), full_page=True)

    page.get_by_role("link", name="MEC Pasifika Communities").click()
    page.get_by_role("link", name="Attest", exact=True).click()
    for question in (
        "Is the channel still needed?",
        "Are the terms of use still accurate?",
        "Are the hours of monitoring being kept?",
        "Are the people named still right?",
    ):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_label("Notes").fill("All good; weekend cover confirmed.")
    page.get_by_label("Your full name").fill("Mere Tane")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator(".notice-success")).to_contain_text("is recertified")
    expect(page.get_by_text("Reviewed and recertified")).to_be_visible()

    page.get_by_role("link", name="Inventory").click()
    page.get_by_role("link", name="MEC Old Page").click()
    page.get_by_role("link", name="Decommission").click()
    page.get_by_role("button", name="Decommission").click()
    expect(page.locator(".error-summary")).to_contain_text("Give the reason")
    page.get_by_label("Date closed").fill(agency_today().isoformat())
    page.get_by_label("Reason").fill("Merged into the main page.")
    page.get_by_role("button", name="Decommission").click()
    # Closed from today: its closing checklist is next (tests/browser/test_closing_browser.py).
    expect(page.locator(".notice-success")).to_contain_text("Work through its closing checklist")
    expect(page.get_by_role("heading", level=1)).to_have_text("Close MEC Old Page")
    page.screenshot(path=str(artifacts_dir / "channel-closing.png"), full_page=True)


# Where, on screen, a piece of a cell's text is: the left edge of its first occurrence.
_LEFT_OF = """([selector, piece]) => {
  const cell = document.querySelector(selector);
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(piece);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + piece.length);
    return range.getBoundingClientRect().left;
  }
  return null;
}"""


def test_a_name_in_urdu_reads_right_to_left_in_english_pages(page, client_as, people, db):
    """The name starts with Urdu, so it is a right-to-left paragraph: "MEC", typed last, is
    shown at its left end, in the inventory's table and as the channel page's heading."""
    name = "اردو کمیونٹی MEC"
    proposal = approved_proposal(client_as, people, handle="MECUrdu", channel_name=name)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    accept_security_risk(client_as, channel.id)
    client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": "https://www.facebook.com/MECUrdu"}
    )
    sign_in(page, people.comms.email, factories.PASSWORD)
    page.goto("/inventory/")
    cell = f"td:has(a[href='/channels/{channel.id}'])"
    expect(page.locator(cell)).to_contain_text(name)
    assert page.evaluate(_LEFT_OF, [cell, "MEC"]) < page.evaluate(_LEFT_OF, [cell, "اردو"])
    page.goto(f"/channels/{channel.id}")
    assert page.evaluate(_LEFT_OF, ["h1", "MEC"]) < page.evaluate(_LEFT_OF, ["h1", "اردو"])
