"""Run every measurement in one process and print the table (``python -m bench --help``)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from bench import http_load
from bench.apps import (
    FLOOR_VIEWS,
    Cast,
    add_floor_views,
    bare_app,
    create_cast,
    csrf_token,
    migrate,
    registry_app,
    seed,
    signed_in_client,
)
from bench.inprocess import (
    bare_export_app,
    charter_render,
    csv_export,
    csv_import,
    inventory_pages,
    proposal_submit,
)
from bench.measure import Pair, QueryCounter
from bench.report import (
    Row,
    machine_description,
    markdown_table,
    ms,
    secs,
    skipped,
    text_table,
    times,
)
from registry.extensions import db
from tests.factories import PASSWORD

PAGE_TARGET = 3.0
SUBMIT_TARGET = 5.0
CHARTER_TARGET = 1.2
MAX_QUERIES = 10
EXPORT_MEMORY_TARGET_MB = 50
IMPORT_TARGET_SECONDS = 10.0
LOAD_ROUNDS = 4


@dataclass(frozen=True)
class Plan:
    small: int
    large: int
    page_runs: int
    submit_runs: int
    charter_runs: int
    export_runs: int
    import_rows: int
    load_requests: int
    load_threads: int
    gunicorn: bool
    cpu_time: bool = False

    def timing(self, pair: Pair) -> Pair:
        """The wall-clock medians, or the CPU-time ones with ``--cpu-time``."""
        return pair.cpu() if self.cpu_time else pair

    @property
    def how(self) -> str:
        return "in-process, CPU time" if self.cpu_time else "in-process"


FULL = Plan(
    small=100,
    large=10_000,
    page_runs=150,
    submit_runs=40,
    charter_runs=7,
    export_runs=3,
    import_rows=10_000,
    load_requests=2_000,
    load_threads=4,
    gunicorn=True,
)
QUICK = Plan(
    small=100,
    large=1_000,
    page_runs=25,
    submit_runs=8,
    charter_runs=2,
    export_runs=1,
    import_rows=1_000,
    load_requests=0,
    load_threads=0,
    gunicorn=False,
)


def _say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class Run:
    """Collects rows; a measurement that fails becomes an ERROR row instead of ending the run."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.errors = 0
        self.started = time.monotonic()

    def section(self, title: str, function: Callable[[], list[Row]]) -> None:
        _say(f"{title} ({time.monotonic() - self.started:.0f} s in)")
        try:
            self.rows.extend(function())
        except Exception as error:  # noqa: BLE001 - reported in the table and on stderr
            frames = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)[-4:]))
            message = str(error)
            if len(message) > 1500:
                message = message[:1500] + " ..."
            print(f"{frames}{type(error).__name__}: {message}", file=sys.stderr)
            self.errors += 1
            self.rows.append(Row(title, "ERROR", note=f"error: {type(error).__name__}"))


def _n(count: int) -> str:
    return f"{count:,}"


# --- the sections -----------------------------------------------------------------------


def _inventory_rows(
    app: Flask, cast: Cast, bare: FlaskClient, counter: QueryCounter, plan: Plan
) -> list[Row]:

    client = signed_in_client(app, cast.emails["comms"], PASSWORD)
    seed(app, cast, plan.small)
    floor = inventory_pages(client, bare, counter, plan.page_runs, FLOOR_VIEWS)
    small = inventory_pages(client, bare, counter, plan.page_runs)
    seed(app, cast, plan.large - plan.small, start=plan.small)
    large = inventory_pages(client, bare, counter, plan.page_runs)

    rows = []
    for result in floor:
        timing = plan.timing(result.timing)
        rows.append(
            Row(
                f"{result.view} (diagnostic, {plan.how})",
                ms(timing.ours),
                ms(timing.baseline) + " bare",
                times(timing.ratio),
            )
        )
    for size, results in ((plan.small, small), (plan.large, large)):
        for result in results:
            timing = plan.timing(result.timing)
            rows.append(
                Row(
                    f"inventory {result.view} @ {_n(size)} ({plan.how})",
                    ms(timing.ours),
                    ms(timing.baseline) + " bare",
                    times(timing.ratio),
                    f"≤ {PAGE_TARGET:g}×",
                    timing.ratio <= PAGE_TARGET,
                )
            )
    for before, after in zip(small, large, strict=True):
        count, base = len(after.statements), len(before.statements)
        rows.append(
            Row(
                f"SQL statements per inventory {after.view}",
                f"{count} @ {_n(plan.large)}",
                f"{base} @ {_n(plan.small)}",
                times(count / base) if base else "—",
                f"same, ≤ {MAX_QUERIES}",
                count == base and count <= MAX_QUERIES,
            )
        )
    return rows


def _submit_rows(app: Flask, cast: Cast, bare: FlaskClient, plan: Plan) -> list[Row]:
    timing = plan.timing(proposal_submit(app, cast, bare, plan.submit_runs))
    return [
        Row(
            f"proposal submit: POST /proposals/new ({plan.how})",
            ms(timing.ours),
            ms(timing.baseline) + " bare",
            times(timing.ratio),
            f"≤ {SUBMIT_TARGET:g}×",
            timing.ratio <= SUBMIT_TARGET,
        )
    ]


def _charter_rows(plan: Plan) -> list[Row]:
    timing = charter_render(plan.charter_runs)
    return [
        Row(
            "charter PDF: render_in_process vs bare_render (CPU time)",
            secs(timing.ours),
            secs(timing.baseline) + " WeasyPrint",
            times(timing.ratio),
            f"≤ {CHARTER_TARGET:g}×",
            timing.ratio <= CHARTER_TARGET,
        )
    ]


def _export_rows(client: FlaskClient, database_url: str, plan: Plan) -> list[Row]:
    bare = bare_export_app(database_url).test_client()
    result = csv_export(client, bare, plan.export_runs)
    if result.lines != plan.large + 1:
        raise RuntimeError(f"the export has {result.lines} lines, not {plan.large + 1}")
    timing = plan.timing(result.timing)
    mb = result.peak_bytes / 1024 / 1024
    base_mb = result.baseline_peak_bytes / 1024 / 1024
    return [
        Row(
            f"CSV export of {_n(plan.large)} channels: time ({plan.how})",
            secs(timing.ours),
            secs(timing.baseline) + " plain SQL",
            times(timing.ratio),
        ),
        Row(
            f"CSV export of {_n(plan.large)} channels: peak extra memory",
            f"{mb:.1f} MB",
            f"{base_mb:.1f} MB plain SQL",
            times(mb / base_mb) if base_mb else "—",
            f"< {EXPORT_MEMORY_TARGET_MB} MB",
            mb < EXPORT_MEMORY_TARGET_MB,
        ),
    ]


def _import_rows(app: Flask, cast: Cast, plan: Plan, label: str, prefix: str) -> list[Row]:
    result = csv_import(app, cast, plan.import_rows, prefix)
    return [
        Row(
            f"CSV import of {_n(plan.import_rows)} rows ({label})",
            secs(result.seconds),
            secs(result.baseline_seconds) + " bulk INSERT",
            times(result.seconds / result.baseline_seconds),
            f"< {IMPORT_TARGET_SECONDS:g} s",
            result.seconds < IMPORT_TARGET_SECONDS,
        )
    ]


def _throughput_rows(
    database_url: str, cast: Cast, plan: Plan, workdir: Path, label: str
) -> list[Row]:

    env = http_load.gunicorn_env(database_url, str(workdir))
    with (
        http_load.Gunicorn("bench.serving:bare_app()", env, workdir) as bare_server,
        http_load.Gunicorn("bench.serving:registry_app()", env, workdir) as server,
    ):
        cookie = http_load.sign_in(server.port, cast.emails["comms"], PASSWORD)
        page = http_load.request(server.port, "GET", "/inventory/", {"Cookie": cookie})
        if page.status != 200:
            raise RuntimeError(
                f"GET /inventory/ over HTTP answered {page.status}; server log:\n"
                + server.log_tail()
            )
        warm = max(20, plan.load_requests // 50)
        http_load.load(bare_server.port, "/", warm, plan.load_threads)
        http_load.load(server.port, "/inventory/", warm, plan.load_threads, cookie)
        # In alternating chunks, so a neighbour's burst of CPU use lands on both sides.
        chunk = plan.load_requests // LOAD_ROUNDS
        bare_runs, our_runs = [], []
        for _ in range(LOAD_ROUNDS):
            bare_runs.append(http_load.load(bare_server.port, "/", chunk, plan.load_threads))
            our_runs.append(
                http_load.load(server.port, "/inventory/", chunk, plan.load_threads, cookie)
            )
    bare, ours = http_load.combined(bare_runs), http_load.combined(our_runs)
    if ours.errors or bare.errors:
        raise RuntimeError(f"{ours.errors} registry and {bare.errors} bare requests failed")
    return [
        Row(
            f"gunicorn 2 workers, GET /inventory/ @ {_n(plan.large)}, {label}",
            f"{ours.per_second:.0f} req/s",
            f"{bare.per_second:.0f} req/s bare",
            times(ours.per_second / bare.per_second),
        )
    ]


def _postgres_rows(plan: Plan, workdir: Path, version: str | None) -> list[Row]:
    title = f"gunicorn 2 workers, GET /inventory/ @ {_n(plan.large)}, PostgreSQL"
    import_title = f"CSV import of {_n(plan.import_rows)} rows (PostgreSQL)"
    if version is None:
        why = "PostgreSQL unreachable on 127.0.0.1:5432"
        return [skipped(title, why), skipped(import_title, why, f"< {IMPORT_TARGET_SECONDS:g} s")]
    rows = []
    with http_load.throwaway_postgres() as url:
        app = registry_app(url)
        try:
            migrate(app)
            cast = create_cast(app)
            seed(app, cast, plan.large)
            rows += _throughput_rows(url, cast, plan, workdir, "PostgreSQL")
            rows += _import_rows(app, cast, plan, "PostgreSQL", "pg")
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return rows


def _statement_listing(app: Flask, title: str, function: Callable[[], object]) -> str:
    counter = QueryCounter()
    with app.app_context():
        counter.attach(db.engine)
    try:
        with counter.counting() as statements:
            function()
    finally:
        with app.app_context():
            counter.detach(db.engine)
    listing = "\n".join(f"  {index}. {sql[:110]}" for index, sql in enumerate(statements, 1))
    return f"=== {len(statements)} statements sent by {title} ===\n{listing}\n"


def _profiles(app: Flask, cast: Cast, workdir: Path) -> str:
    from bench.profiling import clocks, durable_commit, profile
    from registry.charters.html import charter_html
    from registry.charters.pdf import bare_render
    from registry.charters.render import render_in_process
    from tests.charters_sample import sample_document
    from tests.proposal_data import good_form

    client = signed_in_client(app, cast.emails["comms"], PASSWORD)
    parts = [
        _statement_listing(app, "GET /inventory/", lambda: client.get("/inventory/")),
        clocks("GET /inventory/", lambda: client.get("/inventory/"), 50),
        profile("GET /inventory/", lambda: client.get("/inventory/"), 50),
    ]
    proposer = signed_in_client(app, cast.emails["staff_policy"], PASSWORD)
    token = csrf_token(proposer.get("/proposals/new").text)
    numbers = iter(range(90_000, 99_999))  # handles no other measurement uses

    def submit() -> None:
        number = next(numbers)
        form = good_form(cast.people, action="submit", handle=f"ProfilePage{number}")
        response = proposer.post("/proposals/new", data=form | {"csrf_token": token})
        if response.status_code != 302:
            raise RuntimeError(f"profiled submit answered {response.status_code}")

    submit()  # warm
    parts.append(_statement_listing(app, "one proposal submit", submit))
    parts.append(durable_commit(workdir))
    parts.append(clocks("POST /proposals/new (submit)", submit, 20))
    parts.append(profile("POST /proposals/new (submit)", submit, 10))
    document = sample_document()
    html = charter_html(document)
    parts.append(profile("render_in_process", lambda: render_in_process(document), 2, 40))
    parts.append(profile("bare_render", lambda: bare_render(html), 2, 40))
    return "\n".join(parts)


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (OSError, AttributeError):
        return ""


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark the registry against baselines measured in the same run.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: fewer runs, 100 and 1,000 channels, no gunicorn or PostgreSQL",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="report the in-process timings in CPU time rather than wall-clock time (steadier "
        "on a machine shared with other work; leaves out waiting for the disk)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the table, print cProfile summaries of the inventory page, the proposal "
        "submit and the charter render",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = replace(QUICK if args.quick else FULL, cpu_time=args.cpu_time)
    run = Run()
    load_before = _load_average()
    saved_instance_path = os.environ.get("REGISTRY_INSTANCE_PATH")
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        workdir = Path(tmp)
        # The registry's instance folder (create_app makes it) goes in the temporary folder too.
        os.environ["REGISTRY_INSTANCE_PATH"] = tmp
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        _say(f"{'quick' if args.quick else 'full'} run; building the SQLite database")
        app = registry_app(database_url)
        add_floor_views(app)
        migrate(app)
        cast = create_cast(app)
        counter = QueryCounter()

        with app.app_context():
            counter.attach(db.engine)
        bare = bare_app().test_client()

        run.section(
            f"inventory pages at {_n(plan.small)} and {_n(plan.large)} channels",
            lambda: _inventory_rows(app, cast, bare, counter, plan),
        )
        run.section("proposal submit", lambda: _submit_rows(app, cast, bare, plan))
        run.section("charter render", lambda: _charter_rows(plan))

        run.section(
            "CSV export",
            lambda: _export_rows(
                signed_in_client(app, cast.emails["comms"], PASSWORD), database_url, plan
            ),
        )
        # Profiled here, while the inventory holds exactly plan.large channels.
        profiles = _profiles(app, cast, workdir) if args.profile else ""
        pg_version = http_load.postgres_version() if plan.gunicorn else None
        has_gunicorn = importlib.util.find_spec("gunicorn") is not None
        if plan.gunicorn and not has_gunicorn:
            why = "gunicorn is not installed: pip install gunicorn"
            run.rows.append(skipped(f"gunicorn 2 workers, GET /inventory/ @ {_n(plan.large)}", why))
        elif plan.gunicorn:
            run.section(
                "gunicorn throughput (SQLite)",
                lambda: _throughput_rows(database_url, cast, plan, workdir, "SQLite"),
            )
        run.section("CSV import (SQLite)", lambda: _import_rows(app, cast, plan, "SQLite", "sq"))
        if plan.gunicorn and has_gunicorn:
            run.section(
                "PostgreSQL: gunicorn throughput and CSV import",
                lambda: _postgres_rows(plan, workdir, pg_version),
            )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    if saved_instance_path is None:
        os.environ.pop("REGISTRY_INSTANCE_PATH", None)
    else:
        os.environ["REGISTRY_INSTANCE_PATH"] = saved_instance_path

    _say(f"done in {time.monotonic() - run.started:.0f} s")
    print(f"Machine: {machine_description(pg_version)}")
    if load_before:
        print(f"Load average (1 min) at start {load_before}, at end {_load_average()}.")
    print(f"Mode: {'quick (smoke run)' if args.quick else 'full'}\n")
    print(markdown_table(run.rows) if args.markdown else text_table(run.rows))
    if profiles:
        print("\n" + profiles)
    return 1 if run.errors else 0
