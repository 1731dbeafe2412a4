"""A channel the daily check flagged, seen and resolved by the Communications team in a
browser, with axe on every page on the way (0 violations)."""

from __future__ import annotations

from playwright.sync_api import expect

from registry.checks import services
from registry.jobs import run_due
from tests import factories
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import Audit
from tests.fake_platform import Answer, FakePlatform
from tests.workflow import live_channel


def test_a_flag_on_the_channel_page_and_resolving_it(
    page, app, client_as, people, db, artifacts_dir
) -> None:  # noqa: ANN001
    channel = live_channel(client_as, people)
    fake = FakePlatform()
    settings = {"CHANNEL_CHECKS_ENABLED": True, "CHANNEL_CHECK_ATTEMPTS": 1}
    saved = {name: app.config[name] for name in (*settings, "CHANNEL_CHECK_TEST_ORIGINS")}
    with fake.running():
        app.config.update(settings, CHANNEL_CHECK_TEST_ORIGINS=fake.origins_setting())
        try:
            fake.answer("/MECPasifika", Answer(404))
            services.queue_checks()
            run_due()
            audit = Audit(page)
            sign_in(page, people.comms.email, factories.PASSWORD)
            expect(
                page.get_by_role("heading", name="Channels flagged by the daily check (1)")
            ).to_be_visible()
            audit.check("dashboard with a channel flagged")
            page.goto(f"/channels/{channel.id}")
            flagged = page.get_by_role("region", name="Flagged by the daily check")
            expect(flagged).to_contain_text("The page is gone: the platform answered 404.")
            audit.check("channel page with a flag")
            page.screenshot(path=str(artifacts_dir / "channel-flagged.png"), full_page=True)

            flagged.get_by_role("link", name="Look and resolve").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Channel check flag")
            audit.check("a channel's flag")
            page.get_by_role("button", name="Resolve the flag").click()
            expect(page.locator(".error-summary")).to_contain_text("Say what was found and done")
            audit.check("a channel's flag, resolved without a note")
            page.get_by_label("What was found and done").fill(
                "Facebook removed the page by mistake; restored after our appeal."
            )
            page.get_by_role("button", name="Resolve the flag").click()
            expect(page.locator(".notice-success")).to_contain_text("The flag is resolved")
            expect(page.get_by_role("region", name="Flagged by the daily check")).to_have_count(0)
            earlier = page.get_by_role("region", name="Daily check")
            expect(earlier.get_by_text("restored after our appeal")).to_be_visible()
            history = page.get_by_role("region", name="History")
            expect(history.get_by_text("Check flag resolved")).to_be_visible()
            audit.check("channel page, flag resolved")
            page.screenshot(path=str(artifacts_dir / "channel-flag-resolved.png"), full_page=True)
            audit.assert_clean()
        finally:
            app.config.update(saved)
