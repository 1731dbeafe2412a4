"""The message catalogues: every string the code marks is in ``messages.pot``, and every
string a public page can show has its te reo Māori translation. Staff pages are English for
now: their strings are marked, and their te reo translations may be missing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import template_rendered
from jinja2 import meta
from sqlalchemy import select

from registry.charters.models import Charter
from tests.public_channels import live_channel

PROJECT = Path(__file__).resolve().parents[2]
TRANSLATIONS = PROJECT / "registry/translations"

# What the public pages are made of: the templates their views render (each with whatever it
# extends, includes or imports, found below) and the Python that puts words on them.
PUBLIC_TEMPLATES = {
    "inventory/register.html",
    "charters/lookup.html",
    "charters/verify.html",
    "errors/error.html",
    "api/open_data.html",
    "transparency/statement.html",
    "transparency/statement_pdf.html",
    "transparency/pdf_preparing.html",
}
PUBLIC_PYTHON = {
    "registry/__init__.py",  # the error pages' titles and advice
    "registry/forms.py",  # the messages every form shares
    "registry/charters/forms.py",
    "registry/charters/status.py",
    "registry/charters/views.py",
    "registry/inventory/register_forms.py",
    "registry/inventory/register_views.py",
    "registry/api/public_views.py",
    "registry/transparency/services.py",
    "registry/transparency/views.py",
}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """Every marked string as the code is now, with where each one is."""
    pot = tmp_path_factory.mktemp("catalogue") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--omit-header",
            "--ignore-dirs=.* _* venv tests bench migrations instance test-artifacts",
            "-o",
            str(pot),
            ".",
        ],
        cwd=PROJECT,
        check=True,
        timeout=120,
    )
    with pot.open("rb") as template:
        return read_po(template)


def public_sources(app) -> set[str]:
    """The public templates with every template they reach, and the public Python."""
    found: set[str] = set()
    waiting = list(PUBLIC_TEMPLATES)
    while waiting:
        name = waiting.pop()
        if name in found:
            continue
        found.add(name)
        source = (PROJECT / "templates" / name).read_text(encoding="utf-8")
        waiting.extend(meta.find_referenced_templates(app.jinja_env.parse(source)))
    return {f"templates/{name}" for name in found} | PUBLIC_PYTHON


def test_the_catalogue_template_holds_every_string_the_code_marks(extracted):
    """A string marked for translation but missing from messages.pot would escape the test
    below: `make translations` must have been run after it was added."""
    with (TRANSLATIONS / "messages.pot").open("rb") as kept:
        committed = {message.id for message in read_po(kept) if message.id}
    now = {message.id for message in extracted if message.id}
    assert now == committed, "run `make translations`: " + str(sorted(map(str, now ^ committed)))


def test_every_string_of_the_public_pages_has_a_te_reo_translation(app, extracted):
    sources = public_sources(app)
    wanted = {
        message.id
        for message in extracted
        if message.id and any(path in sources for path, _line in message.locations)
    }
    assert len(wanted) > 100, "the public pages' strings were not found where they are"
    with (TRANSLATIONS / "mi/LC_MESSAGES/messages.po").open("rb") as catalogue:
        translated = {
            message.id
            for message in read_po(catalogue)
            if message.id
            and not message.fuzzy  # a guess pybabel made from a similar string
            and all(message.string if isinstance(message.string, tuple) else [message.string])
        }
    assert wanted <= translated, sorted(map(str, wanted - translated))


def test_the_public_templates_listed_are_all_the_public_pages_render(
    app, client, client_as, people, db, register_on
):
    """A public page that began to render a template not listed above would have its strings
    escape the te reo test: this fails first."""
    live_channel(client_as, people, db)
    charter_number = db.session.scalar(select(Charter.number))
    rendered: list[str] = []

    def record(sender, template, context, **extra) -> None:
        rendered.append(template.name)

    with template_rendered.connected_to(record, app):
        for url in [
            "/register/",
            "/register/?account=%40MECNZ",
            "/register/?account=",
            "/charters/verify",
            f"/charters/{charter_number}/verify",
            "/charters/NO-SUCH-0001/verify",
            "/no-such-page",
            "/register/open-data",
            "/transparency",
            "/transparency/versions/1",
            "/transparency/versions/1/statement-mi.pdf",
        ]:
            client.get(url)
    assert set(rendered) <= PUBLIC_TEMPLATES, sorted(set(rendered) - PUBLIC_TEMPLATES)


def test_every_view_marked_public_is_in_the_public_python():
    marked = {
        str(path.relative_to(PROJECT))
        for path in (PROJECT / "registry").rglob("*.py")
        if re.search(r"^@public_page$", path.read_text(encoding="utf-8"), re.MULTILINE)
    }
    assert marked <= PUBLIC_PYTHON, sorted(marked - PUBLIC_PYTHON)
