"""Sessions and sign-in throttling, with the limits switched on as in production."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher

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
            SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS="3 per minute",
            SIGN_IN_LIMIT_PER_ACCOUNT="8 per minute",
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


@pytest.mark.parametrize(
    "disguise",
    [
        lambda e: e + "\x00",
        lambda e: e + " ",
        lambda e: " " + e + "\t",
        lambda e: e + "\u200b",
        lambda e: "\u200b" + e.upper(),
        lambda e: e.upper(),
        lambda e: e.replace("@", "\uff20"),  # FULLWIDTH COMMERCIAL AT, NFKC folds it to "@"
        lambda e: e[0].upper() + "\u200d" + e[1:] + "\x7f",
    ],
    ids=["nul", "space", "tab", "zero-width", "zero-width-upper", "upper", "fullwidth", "mixed"],
)
def test_disguised_emails_share_the_account_bucket(throttled_app, people, disguise):  # noqa: ANN001
    client = throttled_app.test_client()
    email = people.staff_policy.email
    for _ in range(3):
        assert attempt(client, email, "wrong-password").status_code == 200
    # The locked account cannot be reached through a variant of its email...
    assert attempt(client, disguise(email), factories.PASSWORD).status_code == 429
    # ...and the variants all name the same account (the lookup folds them the same way).
    assert attempt(client, disguise(email), factories.PASSWORD, "203.0.113.5").status_code == 302


def test_a_guesser_elsewhere_cannot_lock_the_person_out_from_their_own_address(
    throttled_app, people
):  # noqa: ANN001
    client = throttled_app.test_client()
    email = people.staff_policy.email
    for _ in range(6):
        attempt(client, email, "wrong-password", address="198.51.100.66")
    assert attempt(client, email, factories.PASSWORD, address="198.51.100.66").status_code == 429
    own = throttled_app.test_client()
    assert attempt(own, email, factories.PASSWORD, address="192.0.2.44").status_code == 302


def test_guessing_from_many_addresses_meets_the_per_account_ceiling(throttled_app, people):  # noqa: ANN001
    client = throttled_app.test_client()
    email = people.staff_policy.email
    for index in range(8):  # 2 tries each from 4 addresses: under every per-address limit
        attempt(client, email, "wrong-password", address=f"203.0.113.{index // 2 + 1}")
    fresh = attempt(client, email, factories.PASSWORD, address="203.0.113.200")
    assert fresh.status_code == 429
    # The ceiling is per account only: other people are not affected.
    assert attempt(client, people.ce.email, factories.PASSWORD, "203.0.113.200").status_code == 302


def test_the_per_account_ceiling_lifts_when_its_window_ends(app, database_url, db, people):  # noqa: ANN001
    throttled = build_app(
        make_config(
            database_url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS="100 per minute",
            SIGN_IN_LIMIT_PER_ACCOUNT="2 per 1 second",
            SIGN_IN_LIMIT_PER_ADDRESS="100 per minute",
        )
    )
    try:
        client = throttled.test_client()
        email = people.staff_policy.email
        for index in range(2):
            attempt(client, email, "wrong-password", address=f"203.0.113.{index + 1}")
        assert attempt(client, email, factories.PASSWORD).status_code == 429
        time.sleep(1.1)
        assert attempt(client, email, factories.PASSWORD).status_code == 302
    finally:
        with throttled.app_context():
            limiter.reset()
        limiter.enabled = app.config["RATELIMIT_ENABLED"]


@pytest.fixture
def argon2_calls(monkeypatch):  # noqa: ANN001
    """Counts argon2 hash and verify calls; each still does the real work."""
    calls: list[str] = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append("hash")
        return real_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append("verify")
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def test_unknown_and_known_emails_cost_the_same_argon2_work(client, people, argon2_calls):  # noqa: ANN001
    client.get("/sign-in")  # the page a person loads before posting
    costs = {}
    for label, email in [
        ("known", people.staff_policy.email),
        ("unknown", "nobody-here@example.govt.nz"),
        ("unknown again", "someone-else@example.govt.nz"),
    ]:
        argon2_calls.clear()
        response = client.post("/sign-in", data={"email": email, "password": "wrong-password"})
        assert response.status_code == 200
        costs[label] = list(argon2_calls)
    assert costs == {"known": ["verify"], "unknown": ["verify"], "unknown again": ["verify"]}
