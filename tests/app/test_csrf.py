"""CSRF: every form refuses a POST without a token (CSRF is on in this app)."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import build_app, make_config


@pytest.fixture
def csrf_client(database_url, db):  # noqa: ANN001
    app = build_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    return app.test_client()


def test_sign_in_without_token_is_refused(csrf_client, people):
    response = csrf_client.post(
        "/sign-in", data={"email": people.admin.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)


def test_sign_in_with_token_works_and_admin_post_without_token_is_refused(csrf_client, people):
    page = csrf_client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post(
        "/sign-in",
        data={"email": people.admin.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    refused = csrf_client.post("/admin/units/new", data={"code": "NEW", "name": "New unit"})
    assert refused.status_code == 400
    assert "NEW" not in csrf_client.get("/admin/units").get_data(as_text=True)
