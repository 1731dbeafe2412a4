"""The all-of-government lookup in a real browser: an administrator subscribes to another
registry (served on loopback) on the admin page, sees a refused fetch there, and the public
lookup answers for the other agency's channel. axe-core on each page: 0 violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.app.test_federation import IRD_ROW, IRD_X, MEC_ROW
from tests.browser.conftest import serving, sign_in
from tests.browser.test_accessibility import Audit
from tests.federation_registries import (
    build_second_registry,
    flip_one_byte,
    proxy_app,
    two_registries,
)


@pytest.fixture(scope="module")
def second(database_url, tmp_path_factory):  # noqa: ANN001, ANN201
    return build_second_registry(database_url, tmp_path_factory.mktemp("registry-b"))


def test_subscribing_seeing_a_refusal_and_the_lookup_answer(
    app, db, second, chromium, tmp_path, artifacts_dir
):
    with two_registries(app, second, tmp_path) as (a, b):
        a.import_rows(MEC_ROW)
        b.import_rows(IRD_ROW, IRD_X)
        context = chromium.new_context(
            base_url=a.url, viewport={"width": 1280, "height": 900}, locale="en-NZ"
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        audit = Audit(page)
        tampering = {"on": False}
        with serving(
            proxy_app(lambda: b.url, lambda body: flip_one_byte(body) if tampering["on"] else body)
        ) as proxy:
            sign_in(page, a.admin_email, factories.PASSWORD)
            page.goto("/admin/agencies/")
            expect(page).to_have_title(re.compile("^Other agencies’ registers – "))
            audit.check("subscriptions, none yet")
            page.get_by_role("link", name="Subscribe to an agency").click()
            page.get_by_label("Agency name").fill("Inland Revenue")
            page.get_by_label("Register address").fill(b.register_url)
            page.get_by_label("Feed address").fill(f"{proxy}/api/public/v1/channels.json")
            page.get_by_label("Public key").fill("not a key")
            page.get_by_role("button", name="Subscribe").click()
            expect(page.get_by_role("alert")).to_contain_text("There is a problem")
            expect(page.get_by_label("Agency name")).to_have_value("Inland Revenue")
            audit.check("subscription form with an error")
            page.get_by_label("Public key").fill(b.public_key_pem)
            page.get_by_role("button", name="Subscribe").click()
            expect(page.get_by_text("Subscribed to Inland Revenue.")).to_be_visible()
            section = page.get_by_role("region", name="Inland Revenue")
            expect(section).to_contain_text("Official channels")
            expect(section).not_to_contain_text("Not yet")
            audit.check("subscriptions, verified")

            tampering["on"] = True
            page.get_by_role("button", name="Fetch now Inland Revenue").click()
            expect(page.get_by_role("alert")).to_contain_text("Last fetch refused: Bad signature")
            expect(page.get_by_role("alert")).to_contain_text("The lookup still uses the list")
            page.screenshot(path=str(artifacts_dir / "agency-subscriptions.png"), full_page=True)
            audit.check("subscriptions, last fetch refused")

        context.clear_cookies()
        page.goto("/register/?account=%40IRDNZ")
        status = page.get_by_role("status")
        expect(status).to_contain_text("Yes — this is an official Inland Revenue channel.")
        expect(
            status.get_by_role("link", name="Check it on the register of Inland Revenue")
        ).to_have_attribute(
            "href", f"{b.register_url}?account=https%3A%2F%2Fwww.facebook.com%2FIRDNZ"
        )
        page.screenshot(path=str(artifacts_dir / "lookup-another-agency.png"), full_page=True)
        audit.check("lookup answering for another agency")
        context.close()
        audit.assert_clean()
