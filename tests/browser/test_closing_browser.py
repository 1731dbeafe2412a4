"""Closing a channel properly, in a browser: the Communications team starts decommissioning,
works through the closing checklist (each item with what it needs, mistakes shown at their
field), and the last item ticked decommissions the channel. axe checks the checklist pages,
with and without errors."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db as _db
from registry.inventory.importing import import_channels
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Audit


def test_closing_a_channel_item_by_item(page, people, db, artifacts_dir):
    rows = (
        "name,platform,handle,url,business unit,liaison email,date started\n"
        "MEC Old Page,Facebook,MECOld,https://www.facebook.com/MECOld,COR,"
        f"{people.comms.email},2024-03-01\n"
    )
    import_channels(rows.encode("utf-8"), people.comms)
    channel_id = db.session.scalar(select(Channel.id).where(Channel.handle == "MECOld"))
    audit = Audit(page)

    sign_in(page, people.comms.email, factories.PASSWORD)
    page.get_by_role("link", name="Inventory").click()
    page.get_by_role("link", name="MEC Old Page").click()
    page.get_by_role("link", name="Decommission").click()
    page.get_by_label("Date closed").fill(agency_today().isoformat())
    page.get_by_label("Reason").fill("Merged into the main page.")
    page.get_by_role("button", name="Decommission").click()

    # The checklist: a task list, the automatic item done already.
    # (A flashed message leads the title, so a screen reader hears it first.)
    expect(page).to_have_title(re.compile(r"Closing checklist: MEC Old Page – Channel governance"))
    expect(page.locator(".task-list-progress")).to_have_text("1 of 5 items done.")
    expect(page.locator("#status-register")).to_have_text("Done automatically")
    audit.check("closing checklist")

    # The final post: a mistake is shown at its field, with what was typed kept.
    page.get_by_role("link", name="Publish a final post").click()
    page.get_by_label("Address of the final post").fill("facebook.com/MECOld/posts/1")
    page.get_by_label("Where it points people").fill("https://www.ethniccommunities.govt.nz")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".error-summary")).to_contain_text("starting https://")
    expect(page.get_by_label("Where it points people")).to_have_value(
        "https://www.ethniccommunities.govt.nz"
    )
    expect(page).to_have_title(re.compile(r"^Error: Publish a final post: closing MEC Old Page"))
    audit.check("closing item with errors")
    page.get_by_label("Address of the final post").fill("https://www.facebook.com/MECOld/posts/1")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".task-list-progress")).to_have_text("2 of 5 items done.")
    expect(page.locator("#status-final-post")).to_have_text("Done")
    expect(page.get_by_text(f"Done by {people.comms.display_name}")).to_be_visible()

    page.get_by_role("link", name="Update the profile").click()
    audit.check("closing item")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".error-summary")).to_contain_text("Confirm the channel")
    page.get_by_label("The channel's profile says the channel is closed").check()
    page.get_by_role("button", name="Mark as done").click()

    # The handle: kept dormant unless the team says otherwise, and a release needs a reason.
    page.get_by_role("link", name="Keep or release the handle").click()
    expect(page.get_by_label("Kept dormant, so nobody else can take it")).to_be_checked()
    page.get_by_label("Released", exact=True).check()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".error-summary")).to_contain_text("Give the reason the handle")
    expect(page.get_by_label("Released", exact=True)).to_be_checked()
    page.get_by_label("Kept dormant, so nobody else can take it").check()
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".task-list-progress")).to_have_text("4 of 5 items done.")

    # A correction: the handle item unticked with a reason, then done again.
    page.get_by_role("link", name="Keep or release the handle").click()
    page.get_by_role("button", name="Untick").click()
    expect(page.locator(".error-summary")).to_contain_text("Give the reason the item")
    audit.check("closing item untick with errors")
    page.get_by_label("Why it is unticked").fill("Ticked on the wrong channel.")
    page.get_by_role("button", name="Untick").click()
    expect(page.locator(".notice-success")).to_contain_text("is unticked")
    page.get_by_role("button", name="Mark as done").click()

    page.get_by_role("link", name="Keep the content under the disposal authority").click()
    page.get_by_label("Disposal authority reference").fill("DA 1234")
    page.get_by_label("Where the export is kept").fill("Records file 2026/17")
    page.get_by_role("button", name="Mark as done").click()

    # The last item done: decommissioned, said on the channel's page.
    expect(page.locator(".notice-success")).to_contain_text("MEC Old Page is decommissioned")
    expect(page.locator("h1")).to_have_text("MEC Old Page")
    expect(page.get_by_text("Disposal authority: DA 1234")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "channel-decommissioned.png"), full_page=True)
    _db.session.rollback()
    assert _db.session.get(Channel, channel_id).state_enum is ChannelState.DECOMMISSIONED
    page.goto(page.url + "/closing")
    expect(page.locator(".task-list-progress")).to_have_text("5 of 5 items done.")
    audit.check("closing checklist, all done")
    audit.assert_clean()
