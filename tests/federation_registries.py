"""Two registries on loopback, each publishing its signed register and subscribing to the other's.

Registry A is the tests' own app (MEC); registry B is a second app on a second database
(Inland Revenue), each served over real HTTP by the tests' loopback server helper. Channels
are imported through each registry's own command, subscriptions are made on each
registry's admin page, and fetches run through ``flask registry fetch-feeds`` and the job
queue, as an agency would run them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import select

from registry import signing
from registry.auth.models import User
from registry.channels.models import Channel
from registry.extensions import db as _db
from registry.inventory.importing import import_channels
from tests import factories
from tests.browser.conftest import serving
from tests.conftest import _wipe, build_app, make_config, reset_postgres_schema, run_isolated

IRD = {
    "AGENCY_NAME": "Inland Revenue",
    "AGENCY_TE_REO_NAME": "Te Tari Taake",
    "AGENCY_SHORT_NAME": "IR",
    "AGENCY_DOMAIN": "ird.govt.nz",
}
STARTED = "2019-07-01"


def second_database_url(first: str, tmp: Path) -> str:
    """B's own database: a second PostgreSQL database beside the tests' one, or a second
    SQLite file."""
    if not first.startswith("postgresql"):
        return f"sqlite:///{tmp / 'registry-b.sqlite3'}"
    url = sa.engine.make_url(first)
    name = f"{url.database}_b"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    second = url.set(database=name).render_as_string(hide_password=False)
    reset_postgres_schema(second)
    return second


def build_second_registry(first_url: str, tmp: Path) -> Flask:
    application = build_app(make_config(second_database_url(first_url, tmp), **IRD))
    with application.app_context():
        upgrade()
    return application


def cli(application: Flask, *args: str):  # noqa: ANN201
    result = run_isolated(application.test_cli_runner().invoke, args=list(args))
    if _db.session.registry.has():
        _db.session.rollback()
    return result


def sign_in(application: Flask, email: str) -> FlaskClient:
    client = application.test_client()
    response = client.post("/sign-in", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@dataclass
class Registry:
    app: Flask
    url: str
    key_path: Path
    admin_email: str
    comms_email: str

    def admin(self) -> FlaskClient:
        return sign_in(self.app, self.admin_email)

    def comms(self) -> FlaskClient:
        return sign_in(self.app, self.comms_email)

    @property
    def public_key_pem(self) -> str:
        key = signing.load_private_key(self.key_path).public_key()
        return signing.public_key_json(key)["public_key_pem"]

    @property
    def feed_url(self) -> str:
        return f"{self.url}/api/public/v1/channels.json"

    @property
    def register_url(self) -> str:
        return f"{self.url}/register/"

    @contextmanager
    def context(self) -> Iterator[None]:
        with self.app.app_context():
            yield

    def import_rows(self, *rows: str) -> None:
        header = "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\n"
        with self.context():
            comms = _db.session.scalar(select(User).where(User.email == self.comms_email))
            import_channels((header + "\n".join(rows) + "\n").encode(), comms)

    def channel(self, handle: str) -> Channel:
        with self.context():
            return _db.session.scalar(select(Channel).where(Channel.handle == handle))

    def fetch_feeds(self) -> str:
        result = cli(self.app, "registry", "fetch-feeds")
        assert result.exit_code == 0, result.output
        return result.output

    def subscribe(self, agency: str, other: Registry, **overrides: str) -> FlaskClient:
        admin = self.admin()
        data = {
            "agency_name": agency,
            "register_url": other.register_url,
            "feed_url": other.feed_url,
            "public_key": other.public_key_pem,
            **overrides,
        }
        response = admin.post("/admin/agencies/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return admin

    def ask(self, account: str, lang: str = "en") -> str:
        query = {"account": account, "lang": lang}
        response = self.app.test_client().get("/register/", query_string=query)
        assert response.status_code == 200
        return response.get_data(as_text=True)


def new_key(application: Flask, path: Path) -> Path:
    """``flask registry keys create``: the agency's signing key, made by its own command."""
    result = cli(application, "registry", "keys", "create", str(path))
    assert result.exit_code == 0, result.output
    assert re.search(r"Key id: [0-9a-f]{16}", result.output)
    return path


PUBLISHING = ("PUBLIC_REGISTER_ENABLED", "OPEN_DATA_SIGNING_KEY_FILE", "BASE_URL")


@contextmanager
def publishing(application: Flask, key_path: Path) -> Iterator[str]:
    """``application`` served on loopback with its register on and its data signed."""
    saved = {name: application.config[name] for name in PUBLISHING}
    application.config["PUBLIC_REGISTER_ENABLED"] = True
    application.config["OPEN_DATA_SIGNING_KEY_FILE"] = str(key_path)
    try:
        with serving(application) as url:
            application.config["BASE_URL"] = url
            yield url
    finally:
        application.config.update(saved)


def people_of(application: Flask) -> tuple[str, str]:
    """The demo cast on ``application``'s database; the admin's and comms' emails."""
    with application.app_context():
        people = factories.create_people()
        _db.session.commit()
        return people.admin.email, people.comms.email


@contextmanager
def two_registries(app: Flask, second: Flask, tmp: Path) -> Iterator[tuple[Registry, Registry]]:
    a_people = factories.create_people()
    _db.session.commit()
    a_people = (a_people.admin.email, a_people.comms.email)
    b_people = people_of(second)
    a_key = new_key(app, tmp / "a-signing.pem")
    b_key = new_key(second, tmp / "b-signing.pem")
    try:
        with publishing(app, a_key) as a_url, publishing(second, b_key) as b_url:
            yield (
                Registry(app, a_url, a_key, *a_people),
                Registry(second, b_url, b_key, *b_people),
            )
    finally:
        _wipe(second)


def proxy_app(upstream: Callable[[], str], change: Callable[[bytes], bytes]) -> Flask:
    """A loopback server between A and B that passes B's document on with ``change`` made to
    its body and B's signature header left as it was."""
    import requests

    proxy = Flask("feed-proxy")

    @proxy.get("/<path:path>")
    def forward(path: str):  # noqa: ANN202
        answer = requests.get(f"{upstream()}/{path}", timeout=5)
        headers = {
            name: value
            for name, value in answer.headers.items()
            if name.lower() in ("content-type", signing.HEADER.lower())
        }
        return change(answer.content), answer.status_code, headers

    return proxy


def flip_one_byte(body: bytes) -> bytes:
    """One byte of a channel's handle changed: still JSON, still a register, not what B signed."""
    at = body.index(b'"handle":"') + len(b'"handle":"')
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]
