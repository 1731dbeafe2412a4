"""Reflow (WCAG 1.4.10): the inventory and the admin pages never scroll the page sideways, from
a desktop screen down to a phone, however long the names and addresses people typed."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from registry.channels.models import Channel
from tests import factories
from tests.browser.conftest import sign_in
from tests.inventory_data import seed_channels

LONG_NAME = "Ministry" + "Communities" * 16 + " channel"  # near the 200 allowed, one long word
LONG_URL = "https://www.facebook.com/" + "EthnicCommunitiesNewZealand" * 7

PAGE_SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > window.innerWidth"


def _long_channels(people, db) -> None:  # noqa: ANN001
    seed_channels(12, [people.policy, people.community], liaison_id=people.comms.id)
    db.session.execute(
        update(Channel)
        .where(Channel.name.in_(["Seeded channel 00000", "Seeded channel 00003"]))
        .values(name=LONG_NAME, channel_url=LONG_URL, handle="h" * 100)
    )
    db.session.commit()


@pytest.mark.parametrize("width", [1280, 1000, 800, 375])
def test_the_inventory_fits_the_screen_with_long_names_and_addresses(
    page, people, db, artifacts_dir, width
):
    _long_channels(people, db)
    sign_in(page, people.comms.email, factories.PASSWORD)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/inventory/")
    assert page.get_by_role("link", name=LONG_NAME).first.is_visible()
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), f"the page scrolls sideways at {width} px"
    page.screenshot(path=str(artifacts_dir / f"inventory-{width}.png"), full_page=True)


def test_on_a_phone_each_channel_is_a_card_with_labelled_cells(page, people, db):
    _long_channels(people, db)
    sign_in(page, people.comms.email, factories.PASSWORD)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/inventory/")
    first_row = page.locator("table.inventory tbody tr").first
    cells = first_row.locator("td")
    # One under another, each the full width of the card...
    tops = [box["y"] for box in (cells.nth(i).bounding_box() for i in range(3))]
    assert tops[0] < tops[1] < tops[2]
    # ...and each labelled with its column's heading, which is still the table's for a
    # screen reader.
    label = cells.nth(1).evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Platform"'
    assert page.get_by_role("columnheader", name="Platform").count() == 1
    # At desktop width, a table again: the cells of a row side by side.
    page.set_viewport_size({"width": 1280, "height": 800})
    first, second = (cells.nth(i).bounding_box() for i in range(2))
    assert first["y"] == second["y"] and first["x"] < second["x"]


@pytest.mark.parametrize(
    "path", ["/admin/users", "/admin/units", "/admin/appointments", "/admin/jobs"]
)
def test_the_admin_pages_fit_a_320_px_screen(page, people, db, path):
    sign_in(page, people.admin.email, factories.PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    assert page.get_by_role("navigation", name="Administration").is_visible()
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS), f"{path} scrolls sideways at 320 px"
