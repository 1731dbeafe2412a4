"""Fixtures shared by every test.

The schema comes from the Alembic migrations (``flask db upgrade``), never create_all, so
migrations are tested on every run. SQLite by default; set TEST_DATABASE_URL to a
PostgreSQL database to run the same suite there (its contents are wiped).
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import TestingConfig
from registry import create_app
from registry.extensions import db as _db
from registry.extensions import limiter
from tests import factories

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def reset_postgres_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def make_config(database_url: str, **overrides: object) -> TestingConfig:
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres_schema(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'registry.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Tests hold an app context to call services; Flask would otherwise reuse it for the
    request, sharing ``g`` (the signed-in user) and the database session across requests.
    """

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        def request_and_read():  # noqa: ANN202
            response = super(IsolatedClient, self).open(*args, **kwargs)
            # A streamed body must be read in the context that produced it.
            response.make_sequence()
            return response

        response = contextvars.Context().run(request_and_read)
        if has_app_context():
            # End the test's read snapshot so it sees what the request committed.
            _db.session.rollback()
        return response


def run_isolated(function: Callable, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
    """Run ``function`` outside the test's app context (for CLI invocations)."""
    return contextvars.Context().run(function, *args, **kwargs)


def build_app(config: TestingConfig) -> Flask:
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(scope="session")
def app(database_url: str) -> Flask:
    application = build_app(make_config(database_url))
    with application.app_context():
        upgrade()
    return application


def _wipe(application: Flask) -> None:
    with application.app_context():
        _db.session.remove()
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as connection:
                # TRUNCATE is not a row DELETE: the audit log's append-only trigger stays armed.
                quoted = ", ".join(f'"{name}"' for name in tables)
                connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            # Channels and proposals refer to each other: no delete order satisfies both keys.
            raw = _db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA foreign_keys=OFF")
                for name in tables:
                    cursor.execute(f'DELETE FROM "{name}"')  # noqa: S608
                cursor.execute("PRAGMA foreign_keys=ON")
            finally:
                raw.close()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator:
    """An app context over a migrated, empty database; emptied again after the test."""
    # Flask-Limiter's on/off switch is shared by every app in the process; an app built by
    # another test (production config, say) must not throttle this one.
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    with app.app_context():
        yield _db
        _db.session.remove()
    _wipe(app)


@pytest.fixture
def register_on(app: Flask) -> Iterator[None]:
    """The public register and its "is this official?" lookup, switched on for one test (they
    are off until an agency decides to publish)."""
    saved = app.config["PUBLIC_REGISTER_ENABLED"]
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    yield
    app.config["PUBLIC_REGISTER_ENABLED"] = saved


@pytest.fixture
def client(app: Flask, db) -> FlaskClient:  # noqa: ANN001
    return app.test_client()


@pytest.fixture
def people(db) -> factories.People:  # noqa: ANN001
    """A person for every role (the demo cast), created through the services."""
    return factories.create_people()


@pytest.fixture
def client_as(app: Flask, people: factories.People) -> Callable[[str], FlaskClient]:
    """``client_as("admin")`` — a test client signed in as that member of ``people``."""

    def sign_in(role: str) -> FlaskClient:
        user = getattr(people, role)
        test_client = app.test_client()
        response = test_client.post(
            "/sign-in", data={"email": user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, f"{role} could not sign in"
        return test_client

    return sign_in


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class Mailbox:
    """Messages received by a real SMTP server listening on loopback."""

    def __init__(self) -> None:
        self.messages: list = []
        self.port = 0
        self._controller = None

    def start(self, port: int) -> None:
        """Listen on ``port`` (again: a test can take the mail server down and bring it back)."""
        from aiosmtpd.controller import Controller

        self.port = port
        self._controller = Controller(self, hostname="127.0.0.1", port=port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        message.recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m.recipients]

    def subjects_for(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(app: Flask) -> Iterator[Mailbox]:
    box = Mailbox()
    box.start(free_port())
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", box.port
    yield box
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
    box.stop()


@pytest.fixture
def queued_for_a_worker(app: Flask) -> Iterator[None]:
    """Jobs wait in the queue for a worker, as in production (JOBS_RUN_INLINE off)."""
    saved = app.config["JOBS_RUN_INLINE"]
    app.config["JOBS_RUN_INLINE"] = False
    yield
    app.config["JOBS_RUN_INLINE"] = saved


def run_worker_once(app: Flask):  # noqa: ANN201
    """``flask registry worker --once`` through the CLI runner: the jobs due now, run."""
    result = run_isolated(app.test_cli_runner().invoke, args=["registry", "worker", "--once"])
    assert result.exit_code == 0, result.output
    if has_app_context():
        _db.session.rollback()  # end the test's read snapshot: see what the worker committed
    return result
