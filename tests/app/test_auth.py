"""Signing in and out, through the HTTP client as a browser would."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.views import SIGN_IN_FAILED
from tests import factories


def sign_in(client, email: str, password: str = factories.PASSWORD, next_url: str | None = None):
    url = "/sign-in" + (f"?next={next_url}" if next_url is not None else "")
    return client.post(url, data={"email": email, "password": password})


def test_sign_in_page_has_labelled_fields(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert ">Sign in</button>" in page


def test_sign_in_then_dashboard_greets_by_name(client, people):
    response = sign_in(client, "TAMA.Staff@Example.govt.nz")  # email is case-insensitive
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Tama Rāwiri" in page


def test_wrong_password_and_unknown_email_get_the_same_answer(client, people, db):
    wrong = sign_in(client, people.staff_policy.email, "not-the-password")
    unknown = sign_in(client, "nobody@example.govt.nz", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert SIGN_IN_FAILED in wrong.get_data(as_text=True)
    # The pages differ only in the email typed back into the form.
    assert wrong.get_data(as_text=True).replace(people.staff_policy.email, "EMAIL") == (
        unknown.get_data(as_text=True).replace("nobody@example.govt.nz", "EMAIL")
    )
    assert client.get("/").status_code == 302  # still signed out
    failures = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sign-in-failed")
    ).all()
    assert {f.actor_label for f in failures} == {
        people.staff_policy.email,
        "nobody@example.govt.nz",
    }


def test_deactivated_user_cannot_sign_in(client, people, db):
    from registry.auth import services

    services.update_user(
        people.staff_policy, people.admin, people.staff_policy.display_name, None, active=False
    )
    response = sign_in(client, people.staff_policy.email)
    assert response.status_code == 200
    assert SIGN_IN_FAILED in response.get_data(as_text=True)


def test_deactivation_ends_an_open_session(client_as, people, db):
    from registry.auth import services

    client = client_as("staff_policy")
    assert client.get("/").status_code == 200
    services.update_user(
        people.staff_policy, people.admin, people.staff_policy.display_name, None, active=False
    )
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
    ],
)
def test_next_never_leaves_the_registry(client, people, target):
    response = sign_in(client, people.staff_policy.email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_to_a_local_path_is_followed(client, people):
    response = sign_in(client, people.admin.email, next_url="/admin/units")
    assert response.headers["Location"] == "/admin/units"


def test_pages_need_sign_in_and_come_back_after(client, people):
    response = client.get("/admin/units")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    follow = sign_in(client, people.admin.email, next_url="/admin/units")
    assert follow.headers["Location"] == "/admin/units"


def test_sign_out_invalidates_the_old_cookie(client_as, app):
    client = client_as("staff_policy")
    stolen = client.get_cookie("registry_session").value
    assert client.post("/sign-out").status_code == 302
    assert client.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("registry_session", stolen)
    assert replay.get("/").status_code == 302, "a cookie from before sign-out still worked"


def test_session_cookie_is_httponly_and_samesite_lax(client, people):
    response = sign_in(client, people.staff_policy.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_sign_out_needs_post(client_as):
    assert client_as("staff_policy").get("/sign-out").status_code == 405
