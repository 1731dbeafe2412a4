"""Signing in with the agency account in a real browser: the registry's button, the identity
provider's own page (oidc-provider-mock on loopback), and back, signed in; or told why not."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.test_accessibility import Audit
from tests.conftest import build_app, make_config


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def agency_registry(database_url: str, provider: str) -> Iterator[str]:
    """The registry with agency sign-in on, served on its own loopback port."""
    app = build_app(
        make_config(
            database_url,
            OIDC_ISSUER=provider,
            OIDC_CLIENT_ID="channel-registry",
            OIDC_CLIENT_SECRET="registry-secret",
            SIGNOFF_REQUIRES_MFA=True,
        )
    )
    with serving(app) as address:
        yield address


def test_signing_in_with_the_agency_account(page, people, provider, agency_registry, artifacts_dir):
    httpx.put(
        f"{provider}/users/hemi",
        json={"email": people.manager.email, "email_verified": True, "amr": ["pwd", "mfa"]},
    )
    page.goto(f"{agency_registry}/sign-in")
    audit = Audit(page)
    audit.check("sign in, with the agency account offered")
    page.screenshot(path=str(artifacts_dir / "sign-in-agency.png"), full_page=True)
    page.get_by_role("link", name="Sign in with your agency account").click()
    # The provider's own page (the mock's form stands for Entra ID's).
    page.get_by_placeholder("sub").fill("hemi")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kia ora, Hemi Walker")
    audit.assert_clean()


def test_saying_no_at_the_provider_says_so(page, people, agency_registry):
    page.goto(f"{agency_registry}/sign-in")
    page.get_by_role("link", name="Sign in with your agency account").click()
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not signed in")
    expect(page.get_by_role("alert")).to_contain_text("did not sign you in")
    expect(page).to_have_title(
        "Error: you are not signed in – Channel governance registry – "
        "Ministry for Ethnic Communities"
    )
    audit = Audit(page)
    audit.check("sign in refused by the provider", error_page=True)
    audit.assert_clean()
