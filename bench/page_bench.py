"""Every page against its own floor page, and the proposal submit against a floor that makes
the same writes (see ``bench.floor``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from bench.apps import Cast, csrf_token, signed_in_client
from bench.floor import Capture, Driver, FloorPage, Step, statements
from bench.measure import Pair, compare, pair_of, timed
from bench.pages import (
    ANONYMOUS,
    API,
    PAGES,
    Scenario,
    last_inventory_page,
    post_proposal,
    proposal_form,
)

_INSERT_INTO = re.compile(r"^\s*INSERT INTO (\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class PageResult:
    name: str
    url: str
    size: int
    backend: str
    timing: Pair
    statements: list[str]
    rows_read: int  # rows the page's SQL returned (the floor counts them)


def copy_session(source: FlaskClient, target: FlaskClient, name: str) -> None:
    """Give the floor's client the registry client's session cookie, so the floor checks the
    very same signed cookie."""
    cookie = source.get_cookie(name)
    if cookie is None:
        target.delete_cookie(name)
    else:
        target.set_cookie(name, cookie.value)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def measure_pages(
    app: Flask,
    floor: tuple[Flask, dict[str, FloorPage]],
    capture: Capture,
    clients: dict[str, FlaskClient],
    scenario: Scenario,
    size: int,
    backend: str,
    runs: int,
    budget: float,
) -> list[PageResult]:
    """Each page of ``PAGES``: capture the statements of one request, hand them to its floor
    page, then time ours and the floor alternately."""
    floor_app, floor_pages = floor
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    last = last_inventory_page(app)
    results = []
    for spec in PAGES:
        client = clients[spec.who]
        url = spec.address(scenario, last)
        headers = {"Authorization": f"Bearer {scenario.api_token}"} if spec.who == API else {}

        def ours(client: FlaskClient = client, url: str = url, headers: dict = headers) -> Any:
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")
            return response

        ours()  # warm: templates compiled, statement caches filled
        with capture.recording_steps() as steps:
            page = ours()
        key = _key(spec.name)
        floor_pages[key] = FloorPage(
            spec.name,
            list(steps),
            signed_in=spec.who not in (ANONYMOUS, API),
            bearer=spec.who == API,
            json=spec.json,
            csrf='name="csrf_token"' in page.get_data(as_text=True),
        )
        floor_client = floor_app.test_client()
        copy_session(client, floor_client, cookie_name)

        def floor_page(
            client: FlaskClient = floor_client, key: str = key, headers: dict = headers
        ) -> None:
            response = client.get(f"/floor/{key}", headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"floor page {key} answered {response.status_code}")

        timing = compare(ours, floor_page, runs, budget=budget)
        results.append(
            PageResult(
                spec.name,
                url,
                size,
                backend,
                timing,
                statements(steps),
                floor_pages[key].rows_read,
            )
        )
    return results


# --- proposal submit ------------------------------------------------------------------------


class _Undo:
    """Removes the rows one submit added (outside the timing), so the floor can replay the
    very same INSERTs (same ids, same audit hashes) and the next submit starts from the same
    state. On PostgreSQL it also winds the id sequences back, and sets
    ``session_replication_role`` so the audit log's append-only trigger lets the bench
    delete its own test rows in its throwaway database."""

    def __init__(self, database_url: str) -> None:
        self.driver = Driver(database_url)
        if not self.driver.sqlite:
            self.driver.connection.execute("SET session_replication_role = replica")
            self.driver.connection.commit()

    def high_water(self, tables: Sequence[str]) -> dict[str, int]:
        connection = self.driver.connection
        marks = {}
        for table in tables:
            # Table names come from the registry's own INSERT statements, not from input.
            sql = f"SELECT coalesce(max(id), 0) FROM {table}"  # noqa: S608
            row = connection.execute(sql).fetchone()
            marks[table] = int(row[0])
        self._end()
        return marks

    def __call__(self, marks: dict[str, int]) -> None:
        connection = self.driver.connection
        if self.driver.sqlite:
            connection.execute("BEGIN")
        for table in reversed(list(marks)):  # children before parents
            connection.execute(f"DELETE FROM {table} WHERE id > {marks[table]}")  # noqa: S608
            if not self.driver.sqlite:
                connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"{max(marks[table], 1)}, {marks[table] > 0})"
                )
        connection.commit()

    def _end(self) -> None:
        if self.driver.sqlite:
            if self.driver.connection.in_transaction:
                self.driver.connection.commit()
        else:
            self.driver.connection.commit()

    def close(self) -> None:
        self.driver.close()


def _tables_written(steps: Sequence[Step]) -> list[str]:
    tables: list[str] = []
    for step in steps:
        match = _INSERT_INTO.match(step.sql) if step.kind == "sql" else None
        if match and match.group(1) not in tables:
            tables.append(match.group(1))
    return tables


@dataclass(frozen=True)
class SubmitResult:
    timing: Pair
    statements: list[str]


def measure_submit(
    app: Flask,
    cast: Cast,
    floor: tuple[Flask, dict[str, FloorPage]],
    capture: Capture,
    database_url: str,
    runs: int,
) -> SubmitResult:
    """POST /proposals/new (form validation, policy check, save, submit, notifications) as a
    Policy staff member, against a floor that parses the same form, checks its CSRF token and
    the session, and sends the same statements with the same commits. Each pair: ours
    (timed), undo, the floor replaying ours' statements (timed), undo."""
    from tests.factories import PASSWORD

    floor_app, floor_pages = floor
    client = signed_in_client(app, cast.emails["staff_policy"], PASSWORD)
    token = csrf_token(client.get("/proposals/new").text)
    floor_client = floor_app.test_client()
    undo = _Undo(database_url)
    try:
        post_proposal(client, proposal_form(cast, token, "BenchWarm"))  # warm
        with capture.recording_steps() as steps:
            post_proposal(client, proposal_form(cast, token, "BenchWarm"))
        tables = _tables_written(steps)
        ours_samples: list[tuple[float, float]] = []
        floor_samples: list[tuple[float, float]] = []
        listed: list[str] = []
        for _ in range(runs + 1):  # the first pair warms the floor and is not kept
            marks = undo.high_water(tables)
            form = proposal_form(cast, token, "BenchPage")
            where: list[str] = []

            def submit(form: dict[str, object] = form, where: list[str] = where) -> None:
                where.append(post_proposal(client, form))

            with capture.recording_steps() as steps:
                ours = timed(submit)
            listed = statements(steps)
            undo(marks)
            floor_pages["submit"] = FloorPage(
                "submit", list(steps), signed_in=True, redirect=where[0]
            )
            copy_session(client, floor_client, app.config["SESSION_COOKIE_NAME"])

            def floor_submit(form: dict[str, object] = form) -> None:  # noqa: B023 - used at once
                response = floor_client.post("/floor/submit", data=form)
                if response.status_code != 302:
                    raise RuntimeError(f"floor submit answered {response.status_code}")

            floor_time = timed(floor_submit)
            undo(marks)
            ours_samples.append(ours)
            floor_samples.append(floor_time)
    finally:
        undo.close()
    return SubmitResult(pair_of(ours_samples[1:], floor_samples[1:]), listed)
