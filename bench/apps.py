"""The applications under test: the registry over a migrated database, and the bare baseline.

Both the in-process figures (Werkzeug's test client) and the gunicorn figures use the same
settings: the development configuration with DEBUG off (so templates are not re-checked on
every render), CSRF on, and the database the bench built. The app is given a config object,
so no ``.env`` file is read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from config import DevelopmentConfig

_CSRF_INPUT = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


def bench_config(database_url: str) -> DevelopmentConfig:
    """Development settings with DEBUG off, over ``database_url``."""
    config = DevelopmentConfig()
    config.DEBUG = False
    config.TESTING = False
    config.SQLALCHEMY_DATABASE_URI = database_url
    return config


def registry_app(database_url: str) -> Flask:
    from registry import create_app

    return create_app(bench_config(database_url))


def bare_app() -> Flask:
    """The baseline: a Flask app with one trivial page."""
    app = Flask("bare")

    @app.route("/")
    def index() -> str:
        return "ok"

    return app


@contextmanager
def quiet_logging() -> Iterator[None]:
    """Alembic's env.py configures INFO logging on every upgrade; the table is the output."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def migrate(app: Flask) -> None:
    """Build the schema with the Alembic migrations, as the tests do."""
    from flask_migrate import upgrade

    with app.app_context(), quiet_logging():
        upgrade()


@dataclass(frozen=True)
class Cast:
    """Ids and emails of the test cast (``tests.factories.create_people``), usable after the
    app context that created them has closed; ``people`` has an ``.id`` for each member, which
    is all ``tests.proposal_data.good_form`` reads."""

    people: Any
    emails: dict[str, str]
    unit_ids: list[int]
    comms_id: int


def create_cast(app: Flask) -> Cast:
    from tests.factories import create_people

    with app.app_context():
        people = create_people()
        snapshot = {
            f.name: SimpleNamespace(id=getattr(getattr(people, f.name), "id", None))
            for f in fields(people)
        }
        emails = {
            f.name: getattr(people, f.name).email
            for f in fields(people)
            if hasattr(getattr(people, f.name), "email")
        }
        units = [people.policy.id, people.community.id, people.corporate.id]
        return Cast(SimpleNamespace(**snapshot), emails, units, people.comms.id)


def seed(app: Flask, cast: Cast, count: int, start: int = 0) -> None:
    """``count`` more channels, numbered from ``start`` (``tests.inventory_data``)."""
    from registry.extensions import db
    from tests.inventory_data import seed_channels

    with app.app_context():
        units = [SimpleNamespace(id=unit_id) for unit_id in cast.unit_ids]
        seed_channels(count, units, liaison_id=cast.comms_id, start=start)
        # Statistics for the planner, as autovacuum would gather within a minute of a bulk
        # load on a real server: without them PostgreSQL plans 100,000 rows as if there were
        # none. SQLite gathers none by itself, and a registry on it is measured as it runs.
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE channel")


def csrf_token(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    value = _VALUE.search(match.group(0)) if match else None
    if value is None:
        raise RuntimeError("no csrf_token field on the page")
    return value.group(1)


def signed_in_client(app: Flask, email: str, password: str) -> FlaskClient:
    """A test client signed in through the sign-in form, as a browser would."""
    client = app.test_client()
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
    )
    if response.status_code != 302:
        raise RuntimeError(f"{email} could not sign in (HTTP {response.status_code})")
    return client
