"""Sessions and sign-in throttling, with the limits switched on as in production."""

from __future__ import annotations

import pytest

from registry.auth.views import SIGN_IN_THROTTLED
from registry.extensions import limiter
from tests import factories
from tests.conftest import build_app, make_config


@pytest.fixture
def throttled_app(app, database_url, db):  # noqa: ANN001
    # Flask-Limiter keeps its switch on the extension object, shared by every app in the
    # process: turn it back off for the rest of the suite afterwards.
    throttled = build_app(
        make_config(
            database_url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            SIGN_IN_LIMIT_PER_ACCOUNT="3 per minute",
            SIGN_IN_LIMIT_PER_ADDRESS="6 per minute",
        )
    )
    yield throttled
    with throttled.app_context():
        limiter.reset()
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


def attempt(client, email: str, password: str, address: str = "192.0.2.10"):  # noqa: ANN001
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_session_cookie_changes_at_sign_in(client, people):
    client.get("/sign-in")
    before = client.get_cookie("registry_session")
    response = client.post(
        "/sign-in", data={"email": people.staff_policy.email, "password": factories.PASSWORD}
    )
    after = client.get_cookie("registry_session")
    assert response.status_code == 302
    assert after is not None and (before is None or before.value != after.value)


def test_failed_attempts_on_one_account_are_throttled(throttled_app, people):
    client = throttled_app.test_client()
    email = people.staff_policy.email
    for _ in range(3):
        assert attempt(client, email, "wrong-password").status_code == 200
    blocked = attempt(client, email, factories.PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert SIGN_IN_THROTTLED in page
    assert 'value="' + email + '"' in page  # what was typed is kept
    # Another account from another address is not affected.
    other = attempt(client, people.ce.email, factories.PASSWORD, address="192.0.2.99")
    assert other.status_code == 302


def test_unknown_emails_are_throttled_the_same_way(throttled_app, people):
    client = throttled_app.test_client()
    for _ in range(3):
        attempt(client, "nobody@example.govt.nz", "x")
    assert attempt(client, "nobody@example.govt.nz", "x").status_code == 429


def test_one_address_trying_many_accounts_is_throttled(throttled_app, people):
    client = throttled_app.test_client()
    for index in range(6):
        assert attempt(client, f"guess{index}@example.govt.nz", "x").status_code == 200
    assert attempt(client, "guess99@example.govt.nz", "x").status_code == 429
    # From elsewhere, people still sign in.
    assert attempt(client, people.ce.email, factories.PASSWORD, "198.51.100.7").status_code == 302


def test_successful_sign_ins_do_not_count(throttled_app, people):
    client = throttled_app.test_client()
    for _ in range(8):
        assert attempt(client, people.ce.email, factories.PASSWORD).status_code == 302
        client.post("/sign-out")
