"""Floor pages: what a page costs at the least, given the SQL it sends.

For every registry page the bench captures the statements one request sends (text,
parameters, and where transactions commit or roll back), then a bare Flask app (no
Flask-Login, no ORM, no WTForms) replays exactly those statements through the plain driver
(``sqlite3`` or ``psycopg``) and renders what they return with one small Jinja template,
compiled once. Signed-in floors check the same signed session cookie the registry reads (the
cookie is copied from the registry's client); the user's row is among the replayed
statements. A page whose HTML carries a CSRF token gets one on its floor too, made the way
Flask-WTF makes it. So "ours ÷ floor" is what the registry spends above running its own SQL
and printing the result.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, abort, jsonify, redirect, request, session
from itsdangerous import URLSafeTimedSerializer
from jinja2 import Environment
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

# How much of each result the floor prints at most: the longest list any page shows (the
# public register's 50 rows) and the widest table (8 columns). The ORM selects every column,
# and a page that fetches thousands of rows to show ten pays for fetching them on its floor
# too, but neither should make the floor print more than any page shows.
SHOWN_ROWS = 50
SHOWN_COLUMNS = 8

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/site.css"></head>
<body><header><nav><a href="/">Home</a> <a href="/proposals/">Proposals</a>
<a href="/inventory/">Inventory</a></nav></header>
<main><h1>{{ title }}</h1>
{% if csrf_token %}<form method="post" action="{{ request_path }}">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<button type="submit">Go</button></form>{% endif %}
{% for rows in results %}<table>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}</main></body></html>
"""


@dataclass(frozen=True)
class Step:
    """One thing a request did to the database: a statement, or the end of a transaction."""

    kind: str  # "sql", "commit" or "rollback"
    sql: str = ""
    parameters: Any = None
    many: bool = False


@dataclass
class Capture:
    """Records the steps of the requests made while ``recording``: SQLAlchemy's
    ``before_cursor_execute`` sees each statement as the driver gets it, and the engine's
    ``commit``/``rollback`` events where each transaction ends."""

    recording: bool = False
    steps: list[Step] = field(default_factory=list)

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._on_execute)
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "rollback", self._on_rollback)

    def detach(self, engine: Engine) -> None:
        event.remove(engine, "before_cursor_execute", self._on_execute)
        event.remove(engine, "commit", self._on_commit)
        event.remove(engine, "rollback", self._on_rollback)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if self.recording:
            self.steps.append(Step("sql", statement, parameters, bool(executemany)))

    def _on_commit(self, conn) -> None:  # noqa: ANN001
        if self.recording:
            self.steps.append(Step("commit"))

    def _on_rollback(self, conn) -> None:  # noqa: ANN001
        if self.recording:
            self.steps.append(Step("rollback"))

    @contextmanager
    def recording_steps(self) -> Iterator[list[Step]]:
        self.steps = []
        self.recording = True
        try:
            yield self.steps
        finally:
            self.recording = False


def statements(steps: Sequence[Step]) -> list[str]:
    """The SQL text of the steps, one line each (transaction ends left out)."""
    return [" ".join(step.sql.split()) for step in steps if step.kind == "sql"]


class Driver:
    """One plain DB-API connection to the bench database, opened once per floor app, as a
    pooled connection is for the registry."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        if self.sqlite:
            # The registry's connection settings (registry/database.py), so both sides read
            # the same database the same way.
            self.connection: Any = sqlite3.connect(
                url.database or "", isolation_level=None, check_same_thread=False
            )
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=30000"):
                self.connection.execute(f"PRAGMA {pragma}")
        else:
            import psycopg

            self.connection = psycopg.connect(
                host=url.host,
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                dbname=url.database,
            )

    def _in_transaction(self) -> bool:
        if self.sqlite:
            return self.connection.in_transaction
        from psycopg.pq import TransactionStatus

        return self.connection.info.transaction_status != TransactionStatus.IDLE

    def replay(self, steps: Sequence[Step]) -> list[list[Any]]:
        """Run ``steps`` in order; the rows of every statement that returns rows."""
        results: list[list[Any]] = []
        cursor = self.connection.cursor()
        try:
            for step in steps:
                if step.kind == "commit":
                    self.connection.commit()
                elif step.kind == "rollback":
                    self.connection.rollback()
                else:
                    # SQLAlchemy ends SQLite transactions through the driver, not with a
                    # statement, so a BEGIN inside one means the previous one was committed.
                    if self.sqlite and step.sql.startswith("BEGIN") and self._in_transaction():
                        self.connection.commit()
                    if step.many:
                        cursor.executemany(step.sql, step.parameters)
                    else:
                        cursor.execute(step.sql, step.parameters)
                    if cursor.description is not None:
                        results.append(cursor.fetchall())
        finally:
            cursor.close()
            # The registry returns its connection to the pool, which rolls back what is open.
            if self._in_transaction():
                self.connection.rollback()
        return results

    def close(self) -> None:
        self.connection.close()


@dataclass
class FloorPage:
    """What one floor page replays, and how it answers."""

    title: str
    steps: list[Step]
    signed_in: bool = False
    bearer: bool = False
    json: bool = False
    csrf: bool = False
    redirect: str = ""  # a POST answers with a redirect here, as the registry's does
    rows_read: int = 0  # rows the last request fetched, all results together


def _session_settings(source: Flask) -> dict[str, Any]:
    keys = ("SECRET_KEY", "PERMANENT_SESSION_LIFETIME", "SESSION_REFRESH_EACH_REQUEST")
    return {
        key: value
        for key, value in source.config.items()
        if key in keys or key.startswith("SESSION_COOKIE_")
    }


def floor_app(database_url: str, registry: Flask) -> tuple[Flask, dict[str, FloorPage]]:
    """The floor app over the same database, with the registry's session settings (so the
    registry's session cookie is valid here), and the table of pages it serves at
    ``/floor/<key>``: the bench fills it in before measuring each page."""
    app = Flask("floor")
    app.config.update(_session_settings(registry))
    driver = Driver(database_url)
    template = Environment(autoescape=True).from_string(_TEMPLATE)  # compiled once
    signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
    pages: dict[str, FloorPage] = {}

    def csrf_token() -> str:
        # As Flask-WTF's generate_csrf: a random token kept in the session, signed.
        if "csrf_token" not in session:
            session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324
        return signer.dumps(session["csrf_token"])

    @app.route("/floor/<key>", methods=["GET", "POST"])
    def page(key: str) -> Any:
        floor = pages[key]
        if floor.signed_in and "_user_id" not in session:
            abort(401)
        if request.method == "POST":
            # Parse the whole form and check its CSRF token, as Flask-WTF does.
            form = request.form
            if signer.loads(form.get("csrf_token", ""), max_age=3600) != session.get("csrf_token"):
                abort(400)
            driver.replay(floor.steps)
            return redirect(floor.redirect)
        if floor.bearer:
            # The API looks its token up by hash: the floor hashes the header too.
            hashlib.sha256(request.headers.get("Authorization", "").encode()).hexdigest()
        results = driver.replay(floor.steps)
        floor.rows_read = sum(len(rows) for rows in results)
        shown = [[row[:SHOWN_COLUMNS] for row in rows[:SHOWN_ROWS]] for rows in results]
        if floor.json:
            return jsonify({"results": [[list(row) for row in rows] for rows in shown]})
        return template.render(
            title=floor.title,
            results=shown,
            csrf_token=csrf_token() if floor.csrf else "",
            request_path=request.path,
        )

    app.extensions["bench_driver"] = driver
    return app, pages


def close_floor(app: Flask) -> None:
    app.extensions["bench_driver"].close()
