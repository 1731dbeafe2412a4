"""Signing in with the agency's identity provider: a real OpenID Connect provider
(oidc-provider-mock) on loopback issues the codes and signed ID tokens; the registry fetches
its metadata, keys and tokens over HTTP, as it would from Microsoft Entra ID."""

from __future__ import annotations

import html
import socket
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from flask import Flask
from oidc_provider_mock import run_server_in_thread
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.models import User
from tests import factories
from tests.conftest import build_app, make_config
from tests.workflow import decision_form, submitted_proposal

CLIENT_ID = "channel-registry"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def stale_provider() -> Iterator[str]:
    """A provider whose ID tokens have expired by the time they are issued (a clock ten
    minutes behind, as it were)."""
    with run_server_in_thread(access_token_max_age=timedelta(minutes=-10)) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def registry_with(database_url, db):  # noqa: ANN001
    """A registry app (sharing the test database) whose settings the test chooses."""

    def build(issuer: str, **settings: object) -> Flask:
        config = make_config(
            database_url,
            OIDC_ISSUER=issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET="registry-secret",
            **settings,
        )
        return build_app(config)

    return build


def page(response) -> str:  # noqa: ANN001
    return html.unescape(response.get_data(as_text=True))


def provider_knows(provider: str, sub: str, **claims: object) -> None:
    response = httpx.put(f"{provider}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, page(response)


def sign_in_with_provider(client, provider: str, sub: str):  # noqa: ANN001, ANN201
    """Press "Sign in with your agency account", sign in at the provider as ``sub``, and
    come back: the registry's answer to the return address."""
    start = client.get("/sign-in/agency")
    assert start.status_code == 302, start.get_data(as_text=True)
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{provider}/oauth2/authorize?")
    assert f"client_id={CLIENT_ID}" in authorize
    answer = httpx.post(authorize, data={"sub": sub}, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return client.get(answer.headers["location"])


def signed_in_name(client) -> str | None:  # noqa: ANN001
    page = client.get("/").get_data(as_text=True)
    if "Signed in as" not in page:
        return None
    return page.split("Signed in as", 1)[1].split('<strong dir="auto">', 1)[1].split("<")[0]


def test_the_sign_in_page_offers_the_agency_account_only_when_configured(
    app, registry_with, provider
):
    assert "Sign in with your agency account" not in app.test_client().get("/sign-in").text
    assert app.test_client().get("/sign-in/agency").status_code == 404
    offered = registry_with(provider).test_client().get("/sign-in").text
    assert "Sign in with your agency account" in offered
    assert "Or sign in with your registry password" in offered


def test_a_person_signs_in_with_their_agency_account(registry_with, provider, people, db):
    provider_knows(provider, "hemi", email=people.manager.email.upper(), email_verified=True)
    client = registry_with(provider).test_client()
    response = sign_in_with_provider(client, provider, "hemi")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_name(client) == "Hemi Walker"
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sign-in").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.actor_id == people.manager.id
    assert "identity provider" in entry.summary


def test_a_replayed_answer_is_refused(registry_with, provider, people):
    provider_knows(provider, "hemi", email=people.manager.email, email_verified=True)
    registry = registry_with(provider)
    first = registry.test_client()
    start = first.get("/sign-in/agency")
    answer = httpx.post(start.headers["Location"], data={"sub": "hemi"}, follow_redirects=False)
    back = answer.headers["location"]
    assert first.get(back).status_code == 302
    # The same answer again: in the same browser after it was used, and in another browser.
    for client in (first, registry.test_client()):
        client.post("/sign-out")
        replay = client.get(back)
        assert replay.status_code == 400
        assert "it was already used, or it was started somewhere else" in page(replay)
        assert signed_in_name(client) is None


def test_an_unverified_email_is_refused(registry_with, provider, people, db):
    provider_knows(provider, "unverified", email=people.manager.email, email_verified=False)
    client = registry_with(provider).test_client()
    response = sign_in_with_provider(client, provider, "unverified")
    assert response.status_code == 403
    assert "email address is not verified" in page(response)
    assert signed_in_name(client) is None
    refused = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sign-in-failed")
    ).all()
    assert any("not verified" in entry.summary for entry in refused)


def test_an_expired_token_is_refused(registry_with, stale_provider, people):
    provider_knows(stale_provider, "hemi", email=people.manager.email, email_verified=True)
    client = registry_with(stale_provider).test_client()
    response = sign_in_with_provider(client, stale_provider, "hemi")
    assert response.status_code == 400
    assert "had already expired" in page(response)
    assert signed_in_name(client) is None


def test_a_token_meant_for_another_application_is_refused(registry_with, provider, people):
    """The provider answers for the client the sign-in began with; this registry now expects
    another (its client id was changed, or the answer was for another application)."""
    provider_knows(provider, "hemi", email=people.manager.email, email_verified=True)
    registry = registry_with(provider)
    client = registry.test_client()
    start = client.get("/sign-in/agency")
    answer = httpx.post(start.headers["Location"], data={"sub": "hemi"}, follow_redirects=False)
    registry.config["OIDC_CLIENT_ID"] = "another-application"
    response = client.get(answer.headers["location"])
    assert response.status_code == 400
    assert "meant for another application" in page(response)
    assert signed_in_name(client) is None


def test_someone_the_registry_does_not_know_is_refused_or_made_staff(
    registry_with, provider, people, db
):
    provider_knows(
        provider, "newcomer", email="aroha.new@example.govt.nz", email_verified=True, name="Aroha"
    )
    refused = sign_in_with_provider(registry_with(provider).test_client(), provider, "newcomer")
    assert refused.status_code == 403
    assert "no account for aroha.new@example.govt.nz" in page(refused)

    client = registry_with(provider, OIDC_NEW_PEOPLE="staff").test_client()
    assert sign_in_with_provider(client, provider, "newcomer").status_code == 302
    newcomer = db.session.scalar(select(User).where(User.email == "aroha.new@example.govt.nz"))
    assert newcomer.display_name == "Aroha" and newcomer.business_unit_id is None
    assert newcomer.appointments == []  # offices come only from appointments
    assert client.get("/inventory/").status_code == 403


def test_an_email_outside_the_agency_domains_is_refused(registry_with, provider, people):
    provider_knows(provider, "hemi", email=people.manager.email, email_verified=True)
    registry = registry_with(provider, OIDC_ALLOWED_DOMAINS=("ethniccommunities.govt.nz",))
    response = sign_in_with_provider(registry.test_client(), provider, "hemi")
    assert response.status_code == 403
    assert "Only accounts of the agency's own email domains" in page(response)


def test_a_provider_that_does_not_answer_is_said_so(registry_with, people):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    response = registry_with(f"http://127.0.0.1:{port}").test_client().get("/sign-in/agency")
    assert response.status_code == 503
    assert "did not answer" in page(response)


def test_signing_off_can_require_a_second_factor(registry_with, provider, client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    registry = registry_with(provider, SIGNOFF_REQUIRES_MFA=True)
    form = decision_form(
        proposal, "approve", capacity="manager-communications", comment="Looks right"
    )

    provider_knows(provider, "hemi-pwd", email=people.manager.email, email_verified=True)
    one_factor = registry.test_client()
    sign_in_with_provider(one_factor, provider, "hemi-pwd")
    refused = one_factor.post(f"/proposals/{proposal.id}/signoff", data=form)
    assert refused.status_code == 403
    assert "Signing off needs a sign-in with a second factor" in page(refused)
    assert "Looks right" in page(refused)  # what was typed is kept

    password = registry.test_client()
    password.post("/sign-in", data={"email": people.manager.email, "password": factories.PASSWORD})
    assert password.post(f"/proposals/{proposal.id}/signoff", data=form).status_code == 403

    provider_knows(
        provider, "hemi-mfa", email=people.manager.email, email_verified=True, amr=["pwd", "mfa"]
    )
    two_factors = registry.test_client()
    sign_in_with_provider(two_factors, provider, "hemi-mfa")
    signed = two_factors.post(f"/proposals/{proposal.id}/signoff", data=form)
    assert signed.status_code == 302


def test_registry_passwords_can_be_kept_for_break_glass_administrators_only(
    registry_with, provider, people
):
    registry = registry_with(
        provider, PASSWORD_SIGN_IN="break-glass", BREAK_GLASS_EMAILS=(people.admin.email,)
    )
    client = registry.test_client()
    offered = client.get("/sign-in").text
    assert "Registry passwords work only for the emergency administrator accounts" in offered
    refused = client.post(
        "/sign-in", data={"email": people.manager.email, "password": factories.PASSWORD}
    )
    assert refused.status_code == 200 and signed_in_name(client) is None
    admin = registry.test_client()
    signed = admin.post(
        "/sign-in", data={"email": people.admin.email, "password": factories.PASSWORD}
    )
    assert signed.status_code == 302
