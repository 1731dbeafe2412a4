"""CSRF: with protection on, every route that changes something refuses a request without a
token (400), whoever is signed in; the read-only JSON API accepts no such method at all.

The routes come from ``app.url_map``: a new POST route is covered without anyone listing it.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import build_app, make_config

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Any value will do for a URL parameter: the token is checked before the record is looked up.
# The API's GET resources: each answers any other method with a JSON 405.
API_RESOURCES = ("channels", "channels/1", "openapi.json")
CHECKED: list[str] = []


@pytest.fixture
def csrf_app(database_url: str, db) -> Flask:  # noqa: ANN001
    return build_app(make_config(database_url, WTF_CSRF_ENABLED=True))


def _csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found, "the page should carry a CSRF token"
    return found.group(1)


def _signed_in(app: Flask, user) -> FlaskClient:  # noqa: ANN001
    """Sign in the way a browser does: fetch the form, post it back with its token."""
    client = app.test_client()
    token = _csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert client.get("/").status_code == 200
    return client


def _unsafe_rules(app: Flask) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if set(UNSAFE) & r.methods),
        key=lambda r: r.rule,
    )


def test_every_unsafe_route_refuses_a_request_without_a_token(csrf_app: Flask, people) -> None:  # noqa: ANN001
    # The Manager Communications is in the Communications team too: past every office check
    # that could come before the token check, were the order ever wrong.
    client = _signed_in(csrf_app, people.manager)
    admin = _signed_in(csrf_app, people.admin)
    rules = _unsafe_rules(csrf_app)
    assert rules, "url_map should have routes that take POST"
    api_rules = [r for r in rules if r.endpoint.startswith("api.")]
    assert api_rules, "the API's catch-all should be the route that answers other methods"
    failures = []
    for rule in rules:
        if rule.endpoint.startswith("api."):
            continue
        url = rule.build({name: 1 for name in rule.arguments})[1]
        for method in sorted(set(UNSAFE) & rule.methods):
            who = admin if rule.endpoint.startswith("admin.") else client
            response = who.open(url, method=method, data={"name": "x", "code": "CSRF"})
            CHECKED.append(f"{method} {rule.rule}")
            if response.status_code != 400:
                failures.append(f"{method} {url}: {response.status_code}")
            elif "Reload the page" not in response.get_data(as_text=True):
                failures.append(f"{method} {url}: 400 without the CSRF explanation")
    assert not failures, "accepted without a CSRF token:\n" + "\n".join(failures)
    # Still signed in (the refused sign-out did nothing), and nothing was created.
    assert client.get("/").status_code == 200
    assert "CSRF" not in admin.get("/admin/units").get_data(as_text=True)


def test_the_api_accepts_no_unsafe_method(csrf_app: Flask, people) -> None:  # noqa: ANN001
    client = _signed_in(csrf_app, people.comms)
    failures = []
    for rule in _unsafe_rules(csrf_app):
        if not rule.endpoint.startswith("api."):
            continue
        for method in sorted(set(UNSAFE) & rule.methods):
            if "<path:rest>" in rule.rule:
                for resource in API_RESOURCES:
                    url = rule.build({"rest": resource})[1]
                    response = client.open(url, method=method)
                    CHECKED.append(f"{method} {url}")
                    if response.status_code != 405 or response.mimetype != "application/json":
                        failures.append(f"{method} {url}: {response.status_code}")
                    elif set(response.headers["Allow"].replace(" ", "").split(",")) & set(UNSAFE):
                        failures.append(f"{method} {url}: Allow {response.headers['Allow']}")
            else:
                # Nothing lives at the API's root for any method: a JSON 404, never a 2xx/3xx.
                url = rule.build({})[1]
                response = client.open(url, method=method)
                CHECKED.append(f"{method} {url}")
                if response.status_code not in (404, 405):
                    failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, "the read-only API accepted:\n" + "\n".join(failures)


def test_print_csrf_summary() -> None:
    routes = {entry.split(" ", 1)[1] for entry in CHECKED if "/api/" not in entry}
    api = [entry for entry in CHECKED if "/api/" in entry]
    print(
        f"\nCSRF: {len(routes)} non-API routes taking POST/PUT/PATCH/DELETE refused without a "
        f"token ({len(CHECKED) - len(api)} requests); {len(api)} unsafe requests to the API "
        "refused (405, 404 at its root)."
    )
    assert CHECKED, "the CSRF tests above should have run first"
