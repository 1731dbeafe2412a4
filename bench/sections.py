"""The sections of a run: one database at a time (pages at every size, then the submit, the
export and the import at the largest), the charter, and gunicorn throughput (opt-in)."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from bench import http_load, rows
from bench.apps import Cast, create_cast, migrate, registry_app, seed, signed_in_client
from bench.floor import Capture, FloorPage, close_floor, floor_app
from bench.inprocess import bare_export_app, charter_render, csv_export, csv_import
from bench.page_bench import PageResult, measure_pages, measure_submit
from bench.pages import clients, prepare
from bench.plan import LOAD_ROUNDS, Plan
from bench.report import Row, times
from registry.extensions import db
from tests.factories import PASSWORD


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass
class Run:
    """Collects results; a measurement that fails becomes an ERROR row instead of ending the
    run."""

    pages: list[PageResult] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    errors: int = 0
    started: float = field(default_factory=time.monotonic)

    def section(self, title: str, function: Callable[[], list[Row] | None]) -> None:
        say(f"{title} ({time.monotonic() - self.started:.0f} s in)")
        try:
            self.rows.extend(function() or [])
        except Exception as error:  # noqa: BLE001 - reported in the table and on stderr
            frames = "".join(traceback.format_list(traceback.extract_tb(error.__traceback__)[-4:]))
            message = str(error)
            if len(message) > 1500:
                message = message[:1500] + " ..."
            print(f"{frames}{type(error).__name__}: {message}", file=sys.stderr)
            self.errors += 1
            self.rows.append(Row(title, "ERROR", note=f"error: {type(error).__name__}"))


@dataclass
class Bench:
    """The registry over one database, its floor app and the statement capture."""

    app: Flask
    cast: Cast
    database_url: str
    backend: str
    capture: Capture
    floor: tuple[Flask, dict[str, FloorPage]]


@contextmanager
def bench_on(database_url: str, backend: str) -> Iterator[Bench]:
    """The registry migrated over ``database_url`` with the test cast, the public register on
    (it is off by default), and a floor app over the same database."""
    app = registry_app(database_url)
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    capture = Capture()
    floor = None
    try:
        migrate(app)
        cast = create_cast(app)
        with app.app_context():
            capture.attach(db.engine)
        floor = floor_app(database_url, app)
        yield Bench(app, cast, database_url, backend, capture, floor)
    finally:
        if floor is not None:
            close_floor(floor[0])
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def database_sections(run: Run, bench: Bench, plan: Plan, profile: bool = False) -> str:
    """Pages at every size; then, at the largest, the submit, the export and the import (last,
    since it adds channels). With ``profile``, cProfile summaries of the pages furthest above
    their floors and of the submit, taken at the largest size."""
    # The scenario (proposals, a token) needs the first channels; signing in, the roles.
    seed(bench.app, bench.cast, plan.small)
    seeded = plan.small
    scenario = prepare(bench.app, bench.cast)
    role_clients = clients(bench.app, bench.cast)
    for size in plan.sizes:
        if size > seeded:  # an empty insert would add one blank row
            seed(bench.app, bench.cast, size - seeded, start=seeded)
        seeded = size

        def pages(size: int = size) -> None:
            run.pages.extend(
                measure_pages(
                    bench.app,
                    bench.floor,
                    bench.capture,
                    role_clients,
                    scenario,
                    size,
                    bench.backend,
                    plan.page_runs,
                    plan.page_budget,
                )
            )

        run.section(f"pages at {rows.n(size)} channels ({bench.backend})", pages)
    profiles = ""
    if profile:
        say(f"profiling ({bench.backend})")
        profiles = _profiles(run, bench, role_clients, scenario.api_token, plan.large)
    run.section(
        f"proposal submit ({bench.backend})",
        lambda: rows.submit_rows(
            measure_submit(
                bench.app,
                bench.cast,
                bench.floor,
                bench.capture,
                bench.database_url,
                plan.submit_runs,
            ),
            bench.backend,
            plan.large,
        ),
    )
    run.section(f"CSV export ({bench.backend})", lambda: _export(bench, plan))
    run.section(
        f"CSV import ({bench.backend})",
        lambda: rows.import_rows(
            csv_import(bench.app, bench.cast, plan.import_rows, bench.backend[:2].lower()),
            plan.import_rows,
            bench.backend,
        ),
    )
    return profiles


def _profiles(run: Run, bench: Bench, role_clients: dict, api_token: str, size: int) -> str:
    from bench.apps import csrf_token
    from bench.pages import post_proposal, proposal_form
    from bench.profiling import page_profiles, profile

    here = [r for r in run.pages if r.backend == bench.backend and r.size == size]
    text = page_profiles(here, role_clients, api_token)
    proposer = signed_in_client(bench.app, bench.cast.emails["staff_policy"], PASSWORD)
    token = csrf_token(proposer.get("/proposals/new").text)

    def submit() -> None:
        post_proposal(proposer, proposal_form(bench.cast, token, "Profiled"))

    submit()
    return text + "\n" + profile("POST /proposals/new (submit)", submit, 10, 35)


def _export(bench: Bench, plan: Plan) -> list[Row]:
    client = signed_in_client(bench.app, bench.cast.emails["comms"], PASSWORD)
    bare = bare_export_app(bench.database_url).test_client()
    result = csv_export(client, bare, plan.export_runs)
    if result.lines != plan.large + 1:
        raise RuntimeError(f"the export has {result.lines} lines, not {plan.large + 1}")
    return rows.export_rows(result, plan.large, bench.backend)


def charter_section(run: Run, plan: Plan) -> None:
    run.section("charter render", lambda: rows.charter_rows(charter_render(plan.charter_runs)))


def throughput_rows(
    database_url: str, cast: Cast, plan: Plan, workdir: Path, label: str
) -> list[Row]:
    """Requests per second of GET /inventory/ from gunicorn with 2 sync workers, against a
    bare "ok" page from its own gunicorn, over real HTTP, in alternating chunks."""
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
            f"gunicorn 2 workers, GET /inventory/ @ {rows.n(plan.large)}, {label}",
            f"{ours.per_second:.0f} req/s",
            f"{bare.per_second:.0f} req/s bare",
            times(ours.per_second / bare.per_second),
        )
    ]
