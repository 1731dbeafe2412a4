"""Security headers on every page, and nothing that switches escaping off or runs inline script.

Pages: every GET route of the app (from url_map) as every role, against real records, so each
HTML page the registry can show (error pages included) is checked. Source: every template and
application Python file is read; uses of ``|safe``, ``Markup(`` or ``autoescape false`` must
be in ALLOWED_UNESCAPED, with the reason each is safe, and no template may carry inline script
(the Content-Security-Policy would block it anyway).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from registry import create_app
from tests.conftest import build_app, make_config
from tests.security.world import ANONYMOUS, ROLES, World, rules, world_fixture

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATES = PROJECT / "templates"
APPLICATION_PYTHON = [*sorted((PROJECT / "registry").rglob("*.py")), PROJECT / "config.py"]
APPLICATION_PYTHON += [PROJECT / "wsgi.py"]

SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}

# (file relative to the project, the line with the use, stripped) -> why it is safe.
ALLOWED_UNESCAPED: dict[tuple[str, str], str] = {
    ("registry/charters/html.py", "return Markup(svg)  # noqa: S704 - see above"): (
        "the charter's inline QR code: segno writes an <svg>, a <title> it escapes (the "
        "figure's alternative text, which names the verification URL) and a <path> of numbers "
        "and move/line commands. Rendered into the PDF, never into a web page."
    ),
    (
        "registry/forms.py",
        "return Markup(f'<option {selected}value=\"{value}\">{label}</option>')  # noqa: S704",
    ): (
        "a select's option, written directly for speed: the value and the label are passed "
        "through markupsafe.escape just above, and `selected` is one of two constants. "
        "tests/unit/test_quick_select.py checks it writes what WTForms' own widget writes, "
        "for hostile values and labels."
    ),
}
UNESCAPING = {
    "|safe": re.compile(r"\|\s*safe\b"),
    "{% filter safe %}": re.compile(r"\{%-?\s*filter\s+safe\b"),
    "Markup(": re.compile(r"\bMarkup\("),
    "autoescape false": re.compile(r"autoescape\s*(?:false\b|=\s*False\b)", re.IGNORECASE),
    "render_template_string(": re.compile(r"\brender_template_string\s*\("),
    "from_string(": re.compile(r"\.from_string\s*\("),
}


def _routes() -> list:
    return rules(create_app(make_config("sqlite://")))


GET_ROUTES = [r for r in _routes() if "GET" in r.methods]


@pytest.fixture(scope="module")
def world(app: Flask):  # noqa: ANN201
    yield from world_fixture(app)


def assert_secure_headers(response, what: str) -> None:  # noqa: ANN001
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", f"{what}: no nosniff"
    if response.mimetype != "text/html":
        return
    policy = headers.get("Content-Security-Policy", "")
    assert policy, f"{what}: no Content-Security-Policy"
    directives = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name.lower()] = value.split()
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{what}: CSP does not restrict scripts ({policy})"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, (what, policy)
    assert "*" not in scripts and "data:" not in scripts, (what, policy)
    assert directives.get("frame-ancestors") == ["'none'"], f"{what}: framing allowed ({policy})"
    assert directives.get("object-src") == ["'none'"], f"{what}: plugins allowed ({policy})"
    referrer = headers.get("Referrer-Policy", "")
    assert referrer in SAFE_REFERRER_POLICIES, f"{what}: Referrer-Policy {referrer!r}"


@pytest.mark.parametrize("rule", GET_ROUTES, ids=[f"{r.rule}" for r in GET_ROUTES])
def test_every_page_has_the_security_headers(world: World, rule) -> None:  # noqa: ANN001
    checked = set()
    for role in ROLES:
        for variant in ("", "draft", "unknown"):
            url = world.url(rule, variant)
            headers = {}
            if rule.endpoint.startswith("api.") and role != ANONYMOUS:
                headers["Authorization"] = f"Bearer {world.tokens[role]}"
            response = world.client(role).get(url, headers=headers)
            assert response.status_code != 500, f"GET {url} as {role}: 500"
            assert_secure_headers(response, f"GET {url} as {role} ({response.status_code})")
            checked.add(response.status_code)
    assert checked


def test_the_public_register_has_the_security_headers(world: World) -> None:
    world.app.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        response = world.client(ANONYMOUS).get("/register/", query_string={"account": "@MECNZ"})
    finally:
        world.app.config["PUBLIC_REGISTER_ENABLED"] = False
    assert response.status_code == 200
    assert_secure_headers(response, "GET /register/")


def test_error_pages_have_the_security_headers(world: World) -> None:
    client = world.client("staff_policy")
    cases = [
        (client.get("/no-such-page"), 404),
        (client.get("/sign-out"), 405),
        (client.get(f"/proposals/{world.approved.id}/edit"), 409),
        (client.get("/admin/users"), 403),
        (client.post(f"/information-requests/{world.request_id}", data={"action": "x"}), 400),
        (client.post("/proposals/new", data={"purpose": "x" * (3 * 1024 * 1024)}), 413),
    ]
    for response, status in cases:
        assert response.status_code == status, (status, response.status_code)
        assert response.mimetype == "text/html"
        assert_secure_headers(response, f"the {status} page")


def test_the_500_page_has_the_security_headers(database_url: str) -> None:
    application = build_app(make_config(database_url))

    def broken():  # noqa: ANN202
        raise RuntimeError("a bug")

    application.add_url_rule("/broken-for-this-test", "broken", broken)
    response = application.test_client().get("/broken-for-this-test")
    assert response.status_code == 500
    assert "a bug" not in response.get_data(as_text=True)
    assert_secure_headers(response, "the 500 page")


def test_static_files_and_downloads_are_not_sniffed(world: World) -> None:
    comms = world.client("comms")
    for url in (
        "/static/css/registry.css",
        "/static/js/registry.js",
        f"/charters/{world.charter_number}.pdf",
        "/inventory/export.csv",
        "/api/v1/openapi.json",
    ):
        response = comms.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url


def test_the_session_cookie_is_http_only_and_same_site(world: World) -> None:
    client = world.app.test_client()
    user = world.people.comms
    from tests import factories

    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    cookies = [v for k, v in response.headers.items() if k.lower() == "set-cookie"]
    session = [c for c in cookies if c.startswith(world.app.config["SESSION_COOKIE_NAME"] + "=")]
    assert session, cookies
    assert "HttpOnly" in session[0] and "SameSite=Lax" in session[0], session[0]


# --- the source -----------------------------------------------------------------------------


def _source_files() -> list[Path]:
    templates = sorted(p for p in TEMPLATES.rglob("*") if p.is_file())
    return templates + APPLICATION_PYTHON


def _uses() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in _source_files():
        relative = path.relative_to(PROJECT).as_posix()
        for line in path.read_text(encoding="utf-8").splitlines():
            for name, pattern in UNESCAPING.items():
                if pattern.search(line):
                    found.setdefault((relative, line.strip()), []).append(name)
    return found


def test_nothing_switches_escaping_off_outside_the_allow_list() -> None:
    uses = _uses()
    unexpected = sorted(
        f"{path}: {line}  [{', '.join(kinds)}]"
        for (path, line), kinds in uses.items()
        if (path, line) not in ALLOWED_UNESCAPED
    )
    assert not unexpected, (
        "Escaping switched off where it has not been reviewed. Remove it, or add the line to "
        "ALLOWED_UNESCAPED with the reason it cannot carry user input:\n" + "\n".join(unexpected)
    )
    stale = sorted(
        f"{path}: {line}" for path, line in ALLOWED_UNESCAPED if (path, line) not in uses
    )
    assert not stale, "ALLOWED_UNESCAPED lists uses that are gone:\n" + "\n".join(stale)
    print(
        f"\nEscaping: {len(_source_files())} templates and Python files read; "
        f"{len(uses)} reviewed use(s) of unescaped output: "
        + "; ".join(
            f"{path} ({reason.split(':')[0]})" for (path, _), reason in ALLOWED_UNESCAPED.items()
        )
    )


def test_every_template_is_autoescaped() -> None:
    application = create_app(make_config("sqlite://"))
    for path in TEMPLATES.rglob("*"):
        if path.is_file():
            name = path.relative_to(TEMPLATES).as_posix()
            assert application.select_jinja_autoescape(name), f"{name} is not autoescaped by Flask"
    from registry.charters.html import _environment

    charter = _environment()
    autoescape = charter.autoescape
    assert autoescape is True or autoescape("charters/charter.html"), "charter environment"


def _templates() -> list[tuple[str, str]]:
    return [
        (p.relative_to(TEMPLATES).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(TEMPLATES.rglob("*.html"))
    ]


def test_no_template_has_inline_script() -> None:
    problems = []
    for name, text in _templates():
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script\s*>", text, re.S | re.I):
            attributes, body = match.groups()
            if "src=" not in attributes or body.strip():
                problems.append(f"{name}: inline <script>{body.strip()[:60]}")
        if re.search(r"<script\b(?![^>]*\bsrc=)", text, re.I):
            problems.append(f"{name}: a <script> without src")
        for handler in re.findall(r"\s(on[a-z]+)\s*=", text, re.I):
            problems.append(f"{name}: inline event handler {handler}=")
        if re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", text, re.I):
            problems.append(f"{name}: a javascript: URL")
    assert not problems, "CSP forbids inline script; these would not run:\n" + "\n".join(problems)


def test_no_web_template_has_inline_style() -> None:
    """style-src 'self' (no 'unsafe-inline'): inline styles would be ignored by browsers."""
    problems = []
    for name, text in _templates():
        if name == "charters/charter.html":
            continue  # rendered to PDF by WeasyPrint, never served under the CSP
        if re.search(r"<style\b", text, re.I) or re.search(r"\sstyle\s*=", text, re.I):
            problems.append(name)
    assert not problems, f"inline styles the CSP would block: {', '.join(problems)}"
