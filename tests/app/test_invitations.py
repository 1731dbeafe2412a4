"""Invitations and password resets: administrators never know anyone's password.

People get a one-time link by email (a real SMTP server on loopback) and choose their own.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from registry.audit.models import AuditEntry
from registry.auth.invitations import LINK_NOT_USABLE
from registry.auth.models import PasswordLink, User
from registry.extensions import limiter
from registry.timeutil import utcnow
from tests import factories
from tests.conftest import build_app, make_config, run_isolated

NEW_EMAIL = "kiri.new@example.govt.nz"
CHOSEN = "kiri-chose-this-herself"  # noqa: S105


def link_path(mailbox, address: str) -> str:  # noqa: ANN001
    """The path of the newest link emailed to ``address``."""
    messages = mailbox.to(address)
    assert messages, f"no email to {address}"
    body = messages[-1].get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^/\s]+(/(?:invitation|reset-password)/[A-Za-z0-9_-]+)", body)
    assert found, body
    return found.group(1)


def invite(admin_client, people, email: str = NEW_EMAIL, **extra: str):  # noqa: ANN001, ANN201
    return admin_client.post(
        "/admin/users/new",
        data={"email": email, "name": "Kiri New", "business_unit": str(people.policy.id), **extra},
    )


def sign_in(app, email: str, password: str):  # noqa: ANN001, ANN201
    return app.test_client().post("/sign-in", data={"email": email, "password": password})


def choose(client, path: str, password: str = CHOSEN, confirm: str | None = None):  # noqa: ANN001, ANN201
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_the_form_to_add_a_person_asks_for_no_password(client_as):
    page = client_as("admin").get("/admin/users/new").get_data(as_text=True)
    assert 'type="password"' not in page
    assert "invitation" in page


def test_a_password_posted_by_an_administrator_is_ignored(app, client_as, people, mailbox):
    """Even a hand-made request with a password field gives the administrator nothing."""
    assert invite(client_as("admin"), people, password="typed-by-the-admin-1").status_code == 302
    assert sign_in(app, NEW_EMAIL, "typed-by-the-admin-1").status_code == 200
    edit = {"name": "Lin Nguyen", "business_unit": "", "active": "y", "new_password": "y" * 16}
    staff = people.staff_community
    assert client_as("admin").post(f"/admin/users/{staff.id}", data=edit).status_code == 302
    assert sign_in(app, staff.email, "y" * 16).status_code == 200
    assert sign_in(app, staff.email, factories.PASSWORD).status_code == 302


def test_the_invitation_arrives_and_its_link_sets_the_password_once(
    app, client_as, people, mailbox, db
):
    response = invite(client_as("admin"), people)
    assert response.status_code == 302
    (message,) = mailbox.to(NEW_EMAIL)
    assert "invited" in str(message["Subject"])
    path = link_path(mailbox, NEW_EMAIL)
    assert path.startswith("/invitation/")
    assert sign_in(app, NEW_EMAIL, CHOSEN).status_code == 200  # no password until she chooses

    browser = app.test_client()
    form = browser.get(path)
    assert form.status_code == 200
    assert NEW_EMAIL in form.get_data(as_text=True)
    done = choose(browser, path)
    assert done.status_code == 302 and done.headers["Location"].endswith("/sign-in")
    assert sign_in(app, NEW_EMAIL, CHOSEN).status_code == 302

    again = choose(app.test_client(), path, "someone-else-later-1")
    assert again.status_code == 404
    assert LINK_NOT_USABLE in again.get_data(as_text=True)
    assert sign_in(app, NEW_EMAIL, CHOSEN).status_code == 302


def test_a_refused_password_is_shown_with_its_error_and_the_link_still_works(
    app, client_as, people, mailbox
):
    invite(client_as("admin"), people)
    path = link_path(mailbox, NEW_EMAIL)
    browser = app.test_client()
    short = choose(browser, path, "short").get_data(as_text=True)
    assert "There is a problem" in short
    assert "Use a password of at least 12 characters." in short
    mismatch = choose(browser, path, CHOSEN, CHOSEN + "x").get_data(as_text=True)
    assert "The two passwords are not the same" in mismatch
    assert CHOSEN not in mismatch  # a password is never echoed back into the page
    assert choose(browser, path).status_code == 302


def _used(app, path: str) -> str:  # noqa: ANN001
    choose(app.test_client(), path)
    return path


def _expired(app, path: str) -> str:  # noqa: ANN001
    from registry.extensions import db

    digest = hashlib.sha256(path.rsplit("/", 1)[1].encode()).hexdigest()
    db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.token_sha256 == digest)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    return path


def _other_purpose(app, path: str) -> str:  # noqa: ANN001
    return path.replace("/invitation/", "/reset-password/")


def _unknown(app, path: str) -> str:  # noqa: ANN001
    return path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")


def _voided_by_a_newer_one(app, path: str) -> str:  # noqa: ANN001
    from registry.auth.invitations import send_invitation
    from registry.extensions import db

    send_invitation(db.session.scalar(select(User).where(User.email == NEW_EMAIL)), actor=None)
    return path


def _deactivated(app, path: str) -> str:  # noqa: ANN001
    from registry.auth import services
    from registry.extensions import db

    user = db.session.scalar(select(User).where(User.email == NEW_EMAIL))
    admin = db.session.scalar(select(User).where(User.email == "aroha.admin@example.govt.nz"))
    services.update_user(user, admin, user.display_name, None, active=False)
    return path


def _deactivated_then_reactivated(app, path: str) -> str:  # noqa: ANN001
    from registry.auth import services
    from registry.extensions import db

    _deactivated(app, path)
    user = db.session.scalar(select(User).where(User.email == NEW_EMAIL))
    admin = db.session.scalar(select(User).where(User.email == "aroha.admin@example.govt.nz"))
    services.update_user(user, admin, user.display_name, None, active=True)
    return path


@pytest.mark.parametrize(
    "spoil",
    [
        _used,
        _expired,
        _other_purpose,
        _unknown,
        _voided_by_a_newer_one,
        _deactivated,
        _deactivated_then_reactivated,
    ],
)
def test_every_link_that_cannot_be_used_gets_the_same_answer(
    app, client_as, people, mailbox, db, spoil
):
    invite(client_as("admin"), people)
    path = spoil(app, link_path(mailbox, NEW_EMAIL))
    browser = app.test_client()
    shown = browser.get(path)
    posted = choose(browser, path, "trying-my-luck-here")
    for response in (shown, posted):
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert LINK_NOT_USABLE in page
        assert NEW_EMAIL not in page and 'type="password"' not in page
    assert sign_in(app, NEW_EMAIL, "trying-my-luck-here").status_code == 200


def test_a_reset_ends_the_old_password_and_every_session(app, client_as, people, mailbox, db):
    staff = people.staff_policy
    their_session = client_as("staff_policy")
    assert their_session.get("/").status_code == 200
    admin = client_as("admin")
    confirm_page = admin.get(f"/admin/users/{staff.id}/reset-password")
    assert "stops working" in confirm_page.get_data(as_text=True)
    assert staff.email not in "".join(m["To"] for m in mailbox.messages)  # a GET sends nothing
    assert admin.post(f"/admin/users/{staff.id}/reset-password").status_code == 302

    assert their_session.get("/").status_code == 302  # signed out
    assert sign_in(app, staff.email, factories.PASSWORD).status_code == 200
    path = link_path(mailbox, staff.email)
    assert path.startswith("/reset-password/")
    assert choose(app.test_client(), path, "a-brand-new-password").status_code == 302
    assert sign_in(app, staff.email, "a-brand-new-password").status_code == 302
    page = admin.get(f"/admin/users/{staff.id}").get_data(as_text=True)
    assert "Password set on" in page and "Reset password" in page


def test_the_admin_pages_show_an_invitation_not_yet_accepted_and_send_a_new_one(
    app, client_as, people, mailbox, db
):
    admin = client_as("admin")
    invite(admin, people)
    first = link_path(mailbox, NEW_EMAIL)
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert re.search(r"Invitation sent on \d+ \w+ \d{4}, [^<]*, not yet accepted", listing)
    user = db.session.scalar(select(User).where(User.email == NEW_EMAIL))
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "not yet accepted" in page and "Send a new invitation" in page
    assert admin.post(f"/admin/users/{user.id}/invite").status_code == 302
    second = link_path(mailbox, NEW_EMAIL)
    assert second != first
    assert app.test_client().get(first).status_code == 404  # the newer link voided it
    assert choose(app.test_client(), second).status_code == 302
    # Accepted: no invitation to send any more, and the page says so.
    assert admin.post(f"/admin/users/{user.id}/invite").status_code == 409
    assert "Password set on" in admin.get("/admin/users").get_data(as_text=True)


def test_the_audit_log_records_each_step_and_never_a_token(app, client_as, people, mailbox, db):
    admin = client_as("admin")
    invite(admin, people)
    invitation = link_path(mailbox, NEW_EMAIL)
    choose(app.test_client(), invitation)
    admin.post(f"/admin/users/{people.staff_policy.id}/reset-password")
    reset = link_path(mailbox, people.staff_policy.email)
    choose(app.test_client(), reset, "a-brand-new-password")

    entries = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    actions = [e.action for e in entries]
    assert "invitation-sent" in actions and "password-reset-sent" in actions
    via = [json.loads(e.summary).get("via") for e in entries if e.action == "password-set"]
    assert via == ["invitation link", "reset link"]
    for token in (invitation.rsplit("/", 1)[1], reset.rsplit("/", 1)[1]):
        for entry in entries:
            assert token not in (entry.summary or ""), entry.action
            assert hashlib.sha256(token.encode()).hexdigest() not in (entry.summary or "")
    verify = run_isolated(app.test_cli_runner().invoke, args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_the_link_table_stores_only_a_hash_of_each_token(client_as, people, mailbox, db):
    invite(client_as("admin"), people)
    token = link_path(mailbox, NEW_EMAIL).rsplit("/", 1)[1]
    rows = db.session.execute(sa.text("SELECT * FROM password_link")).mappings().all()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0].values())
    assert rows[0]["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()


@pytest.fixture
def throttled_app(app, database_url, db):  # noqa: ANN001
    throttled = build_app(
        make_config(
            database_url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            PASSWORD_LINK_LIMIT_PER_ADDRESS="3 per minute",
        )
    )
    yield throttled
    with throttled.app_context():
        limiter.reset()
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


def test_guessing_links_is_throttled_like_signing_in(throttled_app, client_as, people, mailbox):
    invite(client_as("admin"), people)
    good = link_path(mailbox, NEW_EMAIL)
    guesser = throttled_app.test_client()
    there = {"REMOTE_ADDR": "192.0.2.50"}
    for guess in range(3):
        assert guesser.get(f"/invitation/guess{guess}", environ_base=there).status_code == 404
    assert guesser.get("/invitation/guess4", environ_base=there).status_code == 429
    assert guesser.get(good, environ_base=there).status_code == 429
    # The person, from their own address, is not locked out by the guesser.
    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert throttled_app.test_client().get(good, environ_base=elsewhere).status_code == 200


def test_one_link_used_in_many_tabs_at_once_sets_one_password(app, client_as, people, mailbox):
    from tests.app.test_signoff_races import race

    invite(client_as("admin"), people)
    path = link_path(mailbox, NEW_EMAIL)
    attempts = 8
    passwords = [f"racing-password-{n:02d}" for n in range(attempts)]
    forms = [{"password": p, "confirm": p} for p in passwords]
    statuses = race([app.test_client() for _ in range(attempts)], path, forms)
    assert statuses == Counter({302: 1, 404: attempts - 1})
    assert sum(sign_in(app, NEW_EMAIL, p).status_code == 302 for p in passwords) == 1
