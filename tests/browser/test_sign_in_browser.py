"""A person signs in with a real browser; the page is photographed for a human to look at."""

from __future__ import annotations

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in


def test_sign_in_shows_the_dashboard(page, people, artifacts_dir):
    sign_in(page, people.dce_community.email, factories.PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kia ora, Fatima Hassan")
    expect(page.get_by_text("Deputy Chief Executive, Community Engagement")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)


def test_wrong_password_keeps_the_email_and_says_what_to_do(page, people, artifacts_dir):
    sign_in(page, people.staff_policy.email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    expect(page.get_by_label("Email")).to_have_value(people.staff_policy.email)
    expect(page.get_by_label("Password")).to_have_value("")
    page.screenshot(path=str(artifacts_dir / "sign-in-failed.png"), full_page=True)


def test_admin_makes_an_overlapping_appointment_and_sees_why_not(page, people, artifacts_dir):
    sign_in(page, people.admin.email, factories.PASSWORD)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Appointments").click()
    page.get_by_role("link", name="Make an appointment").click()
    page.get_by_label("Person").select_option(label=f"Daniel Chen ({people.dce_policy.email})")
    page.get_by_label("Office").select_option(label="Manager Communications")
    page.get_by_label("Start date").fill("2026-02-01")
    page.get_by_role("button", name="Make appointment").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Hemi Walker already holds a substantive appointment")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Start date")).to_have_value("2026-02-01")
    page.screenshot(path=str(artifacts_dir / "appointment-overlap.png"), full_page=True)
    # Signing out ends the session.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
