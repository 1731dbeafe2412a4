"""Run every measurement in one process and print the tables (``python -m bench --help``)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench import http_load
from bench.plan import FULL, QUICK, Plan, parse_sizes
from bench.report import machine_description, markdown_table, skipped, text_table
from bench.rows import growth_rows, page_table
from bench.sections import Run, bench_on, charter_section, database_sections, say


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark every registry page against its own floor page, in one run.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: fewer samples, 100 and 1,000 channels, SQLite only",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        help="channel counts to measure the pages at, e.g. 1000,10000,100000 "
        "(default 1,000 and 10,000; 100 and 1,000 with --quick)",
    )
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also measure on PostgreSQL at 127.0.0.1:5432 (default: on, off with --quick)",
    )
    parser.add_argument(
        "--gunicorn",
        action="store_true",
        help="also measure GET /inventory/ throughput from gunicorn with 2 workers",
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the tables, cProfile summaries of the pages furthest above their floors "
        "and of the proposal submit (SQLite, largest size)",
    )
    return parser.parse_args(argv)


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (OSError, AttributeError):
        return ""


def _postgres(run: Run, plan: Plan, workdir: Path, version: str | None) -> None:
    if version is None:
        run.rows.append(skipped("PostgreSQL", "unreachable on 127.0.0.1:5432"))
        return
    with http_load.throwaway_postgres() as url, bench_on(url, "PostgreSQL") as bench:
        database_sections(run, bench, plan)
        if plan.gunicorn:
            from bench.sections import throughput_rows

            run.section(
                "gunicorn throughput (PostgreSQL)",
                lambda: throughput_rows(url, bench.cast, plan, workdir, "PostgreSQL"),
            )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.sizes:
        plan = replace(plan, sizes=args.sizes)
    if args.postgres is not None:
        plan = replace(plan, postgres=args.postgres)
    has_gunicorn = importlib.util.find_spec("gunicorn") is not None
    plan = replace(plan, gunicorn=args.gunicorn and has_gunicorn)
    run = Run()
    load_before = _load_average()
    saved_instance_path = os.environ.get("REGISTRY_INSTANCE_PATH")
    pg_version = http_load.postgres_version() if plan.postgres else None
    profiles = ""
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        workdir = Path(tmp)
        # The registry's instance folder (create_app makes it) goes in the temporary folder too.
        os.environ["REGISTRY_INSTANCE_PATH"] = tmp
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        say(f"{'quick' if args.quick else 'full'} run at {plan.sizes} channels")
        with bench_on(database_url, "SQLite") as bench:
            profiles = database_sections(run, bench, plan, profile=args.profile)
            if args.gunicorn and not has_gunicorn:
                run.rows.append(skipped("gunicorn throughput", "gunicorn is not installed"))
            elif plan.gunicorn:
                from bench.sections import throughput_rows

                run.section(
                    "gunicorn throughput (SQLite)",
                    lambda: throughput_rows(database_url, bench.cast, plan, workdir, "SQLite"),
                )
        charter_section(run, plan)
        if plan.postgres:
            run.section("PostgreSQL", lambda: _postgres(run, plan, workdir, pg_version))
    if saved_instance_path is None:
        os.environ.pop("REGISTRY_INSTANCE_PATH", None)
    else:
        os.environ["REGISTRY_INSTANCE_PATH"] = saved_instance_path

    say(f"done in {time.monotonic() - run.started:.0f} s")
    print(f"Machine: {machine_description(pg_version)}")
    if load_before:
        print(f"Load average (1 min) at start {load_before}, at end {_load_average()}.")
    print(f"Mode: {'quick (smoke run)' if args.quick else 'full'}; channels: {plan.sizes}\n")
    print("Each page against its floor page (CPU time per request, medians):\n")
    print(page_table(run.pages, args.markdown))
    print("\nEverything else:\n")
    table_rows = growth_rows(run.pages) + run.rows
    print(markdown_table(table_rows) if args.markdown else text_table(table_rows))
    if profiles:
        print("\n" + profiles)
    return 1 if run.errors else 0
