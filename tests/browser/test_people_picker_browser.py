"""Choosing people on the proposal form among 3,000 staff: by typing, with the keyboard, and
without JavaScript by searching and then ticking."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from registry.proposals.models import Proposal
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Audit
from tests.people_data import seed_people

STAFF = 3000


def saved_content(db) -> dict:  # noqa: ANN001
    db.session.rollback()  # see what the browser's requests committed
    proposal = db.session.scalar(select(Proposal))
    assert proposal is not None, "the draft was not saved"
    return proposal.current_revision.content


def open_people_page(page) -> None:  # noqa: ANN001
    """A new proposal's first section saved, then its People page from the task list."""
    page.goto("/proposals/new")
    page.get_by_label("Channel name").fill("MEC Pasifika Communities")
    page.get_by_label("Purpose").fill("Share news with Pasifika communities.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")


def test_choose_people_by_typing_and_with_the_keyboard(page, people, db, artifacts_dir):
    seed_people(STAFF, [people.policy, people.community, people.corporate])
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    open_people_page(page)
    # Nobody is listed until someone searches: no 3,000 options on the page.
    assert page.locator("input[type=checkbox], input[type=radio], option").count() < 60

    speakers = page.get_by_role("group", name="Authorised spokespeople")
    search = speakers.get_by_role("combobox")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(speakers.get_by_role("button", name="Find people")).to_be_hidden()
    search.press_sequentially("wikitoria m")
    options = speakers.get_by_role("option")
    expect(options).to_have_count(4)
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(speakers.get_by_role("status")).to_have_text(re.compile(r"^4 people found"))
    assert speakers.locator("[role=option] .person-name").all_inner_texts() == [
        "Wikitoria Māka",  # found without its macron, as people type it
        "Wikitoria Martin",
        "Wikitoria Moana",
        "Wikitoria Murphy",
    ]
    search.press("ArrowDown")
    search.press("ArrowDown")
    active = search.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_contain_text("Wikitoria Martin")
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(search).to_have_value("")
    expect(search).to_be_focused()
    expect(speakers.get_by_role("status")).to_have_text("Wikitoria Martin added.")
    chosen = speakers.get_by_role("listitem")
    expect(chosen).to_have_count(1)

    search.press_sequentially("TAMA")  # any case
    expect(options).to_have_count(1)
    search.press("ArrowDown")
    search.press("Enter")
    expect(speakers.get_by_role("button", name=re.compile("^Remove "))).to_have_count(2)

    # Remove one, with the keyboard: focus goes back to the search box.
    remove = speakers.get_by_role("button", name="Remove Wikitoria Martin")
    remove.focus()
    page.keyboard.press("Enter")
    expect(speakers.get_by_role("button", name="Remove Wikitoria Martin")).to_have_count(0)
    expect(speakers.get_by_role("button", name="Remove Tama Rāwiri")).to_be_visible()
    expect(search).to_be_focused()
    expect(speakers.get_by_role("status")).to_have_text("Wikitoria Martin removed.")

    # The list open again beside the one chosen: axe finds nothing wrong, and it is pictured.
    search.press_sequentially("wikitoria m")
    expect(options).to_have_count(4)
    search.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    audit = Audit(page)
    audit.check("proposal form, people picker open")
    speakers.evaluate("group => { group.scrollIntoView(); window.scrollBy(0, -16); }")
    page.screenshot(path=str(artifacts_dir / "people-picker.png"))
    audit.assert_clean()
    search.press("Escape")
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(search).to_have_value("wikitoria m")
    search.press("Escape")
    expect(search).to_have_value("")
    search.press_sequentially("no such person")
    expect(speakers.get_by_role("status")).to_have_text("No one found for “no such person”.")
    expect(speakers.get_by_role("status")).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "false")
    search.fill("")

    # Two people called Daniel Chen: the email address tells them apart, and finds one.
    reviewers = page.get_by_role("group", name="Peer reviewers")
    reviewers.get_by_role("combobox").press_sequentially("daniel chen")
    expect(reviewers.get_by_role("option")).to_have_count(2)
    reviewers.get_by_role("combobox").fill("")
    reviewers.get_by_role("combobox").press_sequentially("daniel.dce@")
    expect(reviewers.get_by_role("option")).to_have_count(1)
    reviewers.get_by_role("combobox").press("ArrowDown")
    reviewers.get_by_role("combobox").press("Enter")
    expect(reviewers.get_by_role("button", name="Remove Daniel Chen")).to_be_visible()

    # The liaison comes from the Communications team alone: dozens of staff are called Walker.
    liaison = page.get_by_role("group", name="Communications liaison")
    liaison.get_by_role("combobox").press_sequentially("walker")
    expect(liaison.get_by_role("option")).to_have_count(1)
    expect(liaison.get_by_role("option")).to_contain_text("Hemi Walker")
    liaison.get_by_role("combobox").press("ArrowDown")
    liaison.get_by_role("combobox").press("Enter")

    # Many Priyas: the first 20 are listed, and the status says to type more.
    contact = page.get_by_role("group", name="Information requests contact")
    box = contact.get_by_role("combobox")
    box.press_sequentially("priya")
    expect(contact.get_by_role("option")).to_have_count(20)
    expect(contact.get_by_role("status")).to_contain_text("type more")
    box.press("ArrowUp")  # wraps round to the last, scrolled into view
    last = page.locator(f"#{box.get_attribute('aria-activedescendant')}")
    expect(last).to_be_in_viewport()
    expect(last).to_be_visible()
    assert last.evaluate("option => option === option.parentElement.lastElementChild")
    box.fill("")
    box.press_sequentially("priya.ce")
    expect(contact.get_by_role("option")).to_have_count(1)
    contact.get_by_role("option").click()
    expect(contact.get_by_role("button", name="Remove Priya Sharma")).to_be_visible()

    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".notice-success")).to_contain_text("Draft saved.")
    content = saved_content(db)
    assert content["spokespeople_ids"] == [people.staff_policy.id]
    assert content["peer_reviewer_ids"] == [people.dce_policy.id]
    assert content["liaison_id"] == people.manager.id
    assert content["information_contact_id"] == people.ce.id

    # The page again shows the people chosen, each with its Remove button.
    page.reload()
    expect(speakers.get_by_role("button", name="Remove Tama Rāwiri")).to_be_visible()
    expect(liaison.get_by_role("button", name="Remove Hemi Walker")).to_be_visible()


def test_search_then_choose_without_javascript(chromium, live_server, people, db, artifacts_dir):  # noqa: ANN001
    seed_people(STAFF, [people.policy, people.community, people.corporate])
    context = chromium.new_context(
        base_url=live_server,
        viewport={"width": 1280, "height": 900},
        locale="en-NZ",
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, people.staff_policy.email, factories.PASSWORD)
        open_people_page(page)

        speakers = page.get_by_role("group", name="Authorised spokespeople")
        speakers.get_by_label("Find people by name or email").fill("tama")
        speakers.get_by_role("button", name="Find people").click()
        # The page comes back as typed, at the people found, to tick.
        expect(speakers.get_by_label("Find people by name or email")).to_have_value("tama")
        found = speakers.locator(".person-matches-status")
        expect(found).to_be_focused()
        expect(found).to_contain_text("1 person found for “tama”.")
        speakers.get_by_role("checkbox", name=re.compile("^Tama Rāwiri")).check()

        # A second search: the person ticked stays chosen.
        speakers.get_by_label("Find people by name or email").fill("wikitoria m")
        speakers.get_by_role("button", name="Find people").click()
        expect(speakers.get_by_role("checkbox", name=re.compile("^Tama Rāwiri"))).to_be_checked()
        expect(speakers.locator(".person-matches-status")).to_contain_text("4 people found")
        speakers.get_by_role("checkbox", name=re.compile("^Wikitoria Moana")).check()

        # One person: radios, among the Communications team only.
        liaison = page.get_by_role("group", name="Communications liaison")
        liaison.get_by_label("Find a person by name or email").fill("walker")
        liaison.get_by_role("button", name="Find people").click()
        expect(liaison.get_by_role("radio")).to_have_count(1)
        liaison.get_by_role("radio", name=re.compile("^Hemi Walker")).check()
        page.screenshot(path=str(artifacts_dir / "people-picker-no-script.png"), full_page=True)

        # Unticking removes someone.
        speakers.get_by_role("checkbox", name=re.compile("^Wikitoria Moana")).uncheck()
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator(".notice-success")).to_contain_text("Draft saved.")
        content = saved_content(db)
        assert content["channel_name"] == "MEC Pasifika Communities"
        assert content["spokespeople_ids"] == [people.staff_policy.id]
        assert content["liaison_id"] == people.manager.id
    finally:
        context.close()
