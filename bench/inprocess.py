"""Measurements made in the bench process through Werkzeug's test client (or direct calls)."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import Flask, Response
from flask.testing import FlaskClient
from sqlalchemy import insert, text

from bench.apps import Cast
from bench.measure import Pair, compare


class BenchError(RuntimeError):
    """A request did not do what the benchmark expects (so its timing would mean nothing)."""


def _expect(response: object, status: int, what: str) -> None:
    code = getattr(response, "status_code", None)
    if code != status:
        raise BenchError(f"{what}: expected HTTP {status}, got {code}")


def _get(client: FlaskClient, url: str, status: int = 200) -> Callable[[], None]:
    def request() -> None:
        _expect(client.get(url), status, f"GET {url}")

    return request


# --- charter --------------------------------------------------------------------------------


def charter_render(runs: int) -> Pair:
    """Our charter pipeline against plain WeasyPrint on the same HTML and options, in CPU time:
    rendering is single-threaded computation, and a wall-clock sample of half a second on a
    shared machine mostly measures how often it was preempted."""
    from registry.charters.html import charter_html
    from registry.charters.pdf import bare_render
    from registry.charters.render import render_in_process
    from tests.charters_sample import sample_document

    document = sample_document()
    html = charter_html(document)
    return compare(
        lambda: render_in_process(document),
        lambda: bare_render(html),
        runs,
        1,
        collect=True,
    ).cpu()


# --- CSV export -----------------------------------------------------------------------------

_BARE_EXPORT_SQL = text(
    """
    SELECT c.id, c.name, c.platform, c.handle, c.channel_url, u.code, u.name, c.state,
           l.email, c.approved_at, c.went_live_at, c.review_due, c.no_charter,
           c.decommissioned_on
    FROM channel c
    JOIN business_unit u ON u.id = c.business_unit_id
    LEFT JOIN user_account l ON l.id = c.liaison_id
    ORDER BY c.name, c.id
    """
)


def bare_export_app(database_url: str) -> Flask:
    """The export's floor: the same columns streamed from one SQL query through the plain
    driver (a server-side cursor on PostgreSQL, so neither side holds every row) with
    ``csv.writer``."""
    from bench.floor import Driver

    driver = Driver(database_url)
    sql = str(_BARE_EXPORT_SQL)
    app = Flask("bare_export")

    @app.route("/export.csv")
    def export() -> Response:
        def rows() -> Iterable[str]:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            cursor = (
                driver.connection.cursor()
                if driver.sqlite
                else driver.connection.cursor(name="export")
            )
            try:
                cursor.execute(sql)
                yield "reference,name,platform,handle,url,unit_code,unit,state,liaison,...\r\n"
                while batch := cursor.fetchmany(500):
                    buffer.seek(0)
                    buffer.truncate()
                    writer.writerows(batch)
                    yield buffer.getvalue()
            finally:
                cursor.close()
                driver.connection.rollback()

        return Response(rows(), mimetype="text/csv")

    return app


def _consume(client: FlaskClient, url: str) -> int:
    """Read a streamed response chunk by chunk, keeping none; the number of lines."""
    response = client.get(url, buffered=False)
    _expect(response, 200, f"GET {url}")
    lines = 0
    try:
        for chunk in response.iter_encoded():
            lines += chunk.count(b"\n")
    finally:
        response.close()
    return lines


@dataclass(frozen=True)
class ExportResult:
    timing: Pair
    peak_bytes: int
    baseline_peak_bytes: int
    lines: int


def _peak_while(function: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        function()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def csv_export(client: FlaskClient, bare: FlaskClient, runs: int) -> ExportResult:
    """Stream /inventory/export.csv: median time, then peak traced memory in a separate run."""
    url = "/inventory/export.csv"
    lines = _consume(client, url)
    timing = compare(
        lambda: _consume(client, url), lambda: _consume(bare, "/export.csv"), runs, 0, collect=True
    )
    return ExportResult(
        timing=timing,
        peak_bytes=_peak_while(lambda: _consume(client, url)),
        baseline_peak_bytes=_peak_while(lambda: _consume(bare, "/export.csv")),
        lines=lines,
    )


# --- CSV import -----------------------------------------------------------------------------

IMPORT_PLATFORMS = ("facebook", "instagram", "x", "youtube", "tiktok", "threads")


def import_csv_bytes(rows: int, liaison_email: str, prefix: str = "imp") -> bytes:
    """A Communications-team spreadsheet of ``rows`` existing channels, all valid."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Name", "Platform", "Handle", "URL", "Business unit", "Liaison email", "Date started"]
    )
    for index in range(rows):
        platform = IMPORT_PLATFORMS[index % len(IMPORT_PLATFORMS)]
        writer.writerow(
            [
                f"Existing channel {prefix} {index:05d}",
                platform,
                f"{prefix}ch{index:05d}",
                "",
                "POL",
                liaison_email,
                f"{2020 + index % 5}-{index % 12 + 1:02d}-15",
            ]
        )
    return buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class ImportResult:
    seconds: float
    baseline_seconds: float
    count: int
    peak_bytes: int = 0  # traced peak of importing IMPORT_MEMORY_ROWS[0] rows
    small_peak_bytes: int = 0  # the same, for a tenth as many: flat memory means about equal


def csv_import(app: Flask, cast: Cast, rows: int, prefix: str = "imp") -> ImportResult:
    """``import_channels`` on a file of ``rows`` channels, against a plain bulk INSERT of the
    same number of rows (what the import ends with, minus reading and checking the file)."""
    from registry.auth.models import User
    from registry.channels.models import Channel
    from registry.extensions import db
    from registry.inventory.importing import import_channels
    from registry.timeutil import utcnow

    data = import_csv_bytes(rows, cast.emails["comms"], prefix)
    with app.app_context():
        # A small import first, so one-time costs (lazy imports, compiled statements) are not
        # charged to the measured one.
        import_channels(
            import_csv_bytes(5, cast.emails["comms"], f"{prefix}w"),
            db.session.get(User, cast.comms_id),
        )
        db.session.remove()
    with app.app_context():
        actor = db.session.get(User, cast.comms_id)
        started = time.perf_counter()
        result = import_channels(data, actor)
        seconds = time.perf_counter() - started
        db.session.remove()
    if result.count != rows:
        raise BenchError(f"the import added {result.count} channels, not {rows}")

    with app.app_context():
        now = utcnow()
        started = time.perf_counter()
        values = [
            {
                "name": f"Plain insert {prefix} {index:05d}",
                "platform": "facebook",
                "platform_other": "",
                "handle": f"plain{prefix}{index:05d}",
                "handle_key": f"plain{prefix}{index:05d}",
                "channel_url": "",
                "business_unit_id": cast.unit_ids[0],
                "liaison_id": cast.comms_id,
                "state": "active",
                "no_charter": True,
                "started_on": date(2021, 3, 15),
                "review_due": date(2022, 3, 15),
                "decommission_reason": "",
                "created_at": now,
                "updated_at": now,
            }
            for index in range(rows)
        ]
        db.session.execute(insert(Channel), values)
        db.session.commit()
        baseline = time.perf_counter() - started
        db.session.remove()
    peaks = [_import_peak(app, cast, count, f"{prefix}m{count}") for count in IMPORT_MEMORY_ROWS]
    return ImportResult(seconds, baseline, result.count, *peaks)


# Ten times the rows, both past the import's batch of 1,000, whatever the run's import size.
IMPORT_MEMORY_ROWS = (20_000, 2_000)


def _import_peak(app: Flask, cast: Cast, rows: int, prefix: str) -> int:
    """Peak traced memory of importing ``rows`` channels, beyond the file already read."""
    from registry.auth.models import User
    from registry.extensions import db
    from registry.inventory.importing import import_channels

    data = import_csv_bytes(rows, cast.emails["comms"], prefix)
    with app.app_context():
        actor = db.session.get(User, cast.comms_id)
        peak = _peak_while(lambda: import_channels(data, actor))
        db.session.remove()
    return peak
