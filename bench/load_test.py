"""``python -m bench.load_test``: a day's mixed load against gunicorn on PostgreSQL.

The registry is migrated into a throwaway PostgreSQL database ``registry_load_<pid>``
(dropped afterwards), seeded with the test cast, ``--channels`` channels and a few proposals
awaiting sign-off, and served by gunicorn (sync workers) on a free loopback port. locust
(``bench/locustfile.py``) then plays the day, headless, in two parts:

1. **Throughput by workers**: for each of ``--workers`` a fresh gunicorn with that many
   workers, ``--busy-users`` users clicking with short pauses (think times × ``--busy-think``),
   enough to keep every worker busy. Requests per second then is what the server can do.
2. **Requests/s at p95 ≤ 200 ms**: against ``--knee-workers`` workers, the users of a real day
   (full think times) in steps of ``--users``; the answer is the busiest step whose p95 stays
   at or under 200 ms.

Progress goes to stderr, the tables (Markdown) to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import PROJECT_ROOT, http_load
from bench.load_report import knee_tables, machine_line, throughput_tables

P95_TARGET_MS = 200
# The day's users make a request about every 4 s (bench/locustfile.py's think times, weighted
# by who comes, and some tasks make two or three requests); used only to turn a request rate
# into a number of users.
SECONDS_PER_REQUEST = 4.0
# Fractions of the measured capacity that the default steps aim at: the last one past it, so
# the steps bracket the point where p95 passes 200 ms.
DEFAULT_LOADS = (0.4, 0.7, 0.95, 1.2)
# CPU a new user's sign-in costs a worker (argon2id at the production cost), to size the
# settle time of a step.
SIGN_IN_CPU_SECONDS = 0.25


def say(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load_test", description=__doc__)
    parser.add_argument("--channels", type=int, default=10_000, help="channels seeded")
    parser.add_argument(
        "--workers", default="1,2,4", help="gunicorn worker counts for the throughput runs"
    )
    parser.add_argument("--busy-users", type=int, default=40, help="users in throughput runs")
    parser.add_argument(
        "--busy-think", type=float, default=0.1, help="think-time scale in throughput runs"
    )
    parser.add_argument(
        "--users", default="", help="user counts of the p95 steps (default: from the capacity)"
    )
    parser.add_argument("--knee-workers", type=int, default=2, help="workers for the p95 steps")
    parser.add_argument(
        "--run-time", type=float, default=30, help="measured seconds per run or step"
    )
    return parser.parse_args(argv)


def build(database_url: str, channels: int, workdir: Path) -> dict[str, Any]:
    """Migrate, seed, and write what the locust users need; returns the scenario."""
    from sqlalchemy import func, select

    from bench.apps import create_cast, csrf_token, migrate, registry_app, seed, signed_in_client
    from bench.pages import last_inventory_page, post_proposal, prepare
    from registry.channels.models import Channel
    from registry.extensions import db
    from tests.factories import PASSWORD
    from tests.proposal_data import good_form

    app = registry_app(database_url)
    migrate(app)
    cast = create_cast(app)
    seed(app, cast, channels)
    people = cast.people
    # Each staff member proposes for their own unit, reviewed by that unit's DCE.
    forms = {
        person: good_form(
            people,
            business_unit=str(unit.id),
            spokespeople=[str(getattr(people, person).id)],
            information_contact=str(getattr(people, person).id),
            peer_reviewers=[str(dce.id)],
        )
        for person, unit, dce in (
            ("staff_policy", people.policy, people.dce_policy),
            ("staff_community", people.community, people.dce_community),
        )
    }
    scenario = prepare(app, cast)  # three of Tama's proposals awaiting sign-off, a token
    # And two of Lin's, so the Community Engagement DCE has a queue from the start.
    lin = signed_in_client(app, cast.emails["staff_community"], PASSWORD)
    token = csrf_token(lin.get("/proposals/new").text)
    lins = [
        post_proposal(
            lin,
            forms["staff_community"]
            | {"handle": f"Waiting{n}", "channel_name": f"MEC Waiting {n}", "action": "submit"}
            | {"csrf_token": token},
        )
        for n in range(2)
    ]
    with app.app_context():
        low, high = db.session.execute(select(func.min(Channel.id), func.max(Channel.id))).one()
        active = db.session.scalar(select(func.count()).where(Channel.state == "active")) or 0
        db.session.remove()
        db.engine.dispose()
    data = {
        "password": PASSWORD,
        "emails": cast.emails,
        "forms": forms,
        "proposals": {
            "staff_policy": [scenario.proposal_id],
            "staff_community": [int(url.rstrip("/").rsplit("/", 1)[-1]) for url in lins],
        },
        "api_token": scenario.api_token,
        "channels": channels,
        "channel_ids": [low, high],
        "unit_ids": cast.unit_ids,
        "inventory_pages": last_inventory_page(app),
        "register_pages": max(2, active // 50),
    }
    (workdir / "scenario.json").write_text(json.dumps(data))
    return data


def run_locust(
    database_name: str,
    port: int,
    master_pid: int,
    steps: list[tuple[int, float, float]],
    think: float,
    workdir: Path,
    label: str,
) -> dict[str, Any]:
    """One headless locust process through ``steps``; the results ``load_shape`` wrote."""
    results = workdir / f"results-{label}.json"
    env = dict(os.environ)
    env.update(
        REGISTRY_LOAD_SCENARIO=str(workdir / "scenario.json"),
        REGISTRY_LOAD_THINK_SCALE=str(think),
        REGISTRY_LOAD_STEPS=json.dumps(steps),
        REGISTRY_LOAD_RESULTS=str(results),
        REGISTRY_LOAD_GUNICORN=str(master_pid),
        REGISTRY_LOAD_DATABASE=database_name,
        PYTHONPATH=os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    )
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(PROJECT_ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://{http_load.HOST}:{port}",
        "--csv",
        str(workdir / f"locust-{label}"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    budget = sum(settle + measure for _, settle, measure in steps) + 120
    log = workdir / f"locust-{label}.log"
    with open(log, "wb") as out:
        # Exit status 1 only says some request failed; the results say which.
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=budget)
    if not results.exists():
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise RuntimeError(f"locust wrote no results ({label}):\n{tail}")
    return json.loads(results.read_text())


def settle_seconds(new_users: int, workers: int) -> float:
    """Long enough for the new users to sign in and the queues to fill."""
    cores = os.cpu_count() or 1
    return round(8 + new_users * SIGN_IN_CPU_SECONDS / min(workers, cores), 1)


def serve(database_url: str, workdir: Path, workers: int) -> http_load.Gunicorn:
    env = http_load.gunicorn_env(database_url, str(workdir))
    env["PUBLIC_REGISTER_ENABLED"] = "1"  # off by default; the public part of the day needs it
    return http_load.Gunicorn("bench.serving:registry_app()", env, workdir, workers=workers)


def with_server_log(result: dict[str, Any], server: http_load.Gunicorn) -> dict[str, Any]:
    """Attach the server's log tail when it answered any 5xx (the traceback is there)."""
    if result["server_errors"]:
        result["server_log"] = server.log_tail(80)
    return result


def throughput_runs(
    args: argparse.Namespace, url: str, workdir: Path, worker_counts: list[int]
) -> dict[int, dict[str, Any]]:
    """A fresh gunicorn per worker count, kept busy by ``--busy-users`` quick users."""
    runs = {}
    for workers in worker_counts:
        say(f"throughput, {workers} worker(s), {args.busy_users} busy users")
        with serve(url, workdir, workers) as server:
            steps = [(args.busy_users, settle_seconds(args.busy_users, workers), args.run_time)]
            result = run_locust(
                url.rsplit("/", 1)[-1],
                server.port,
                server.process.pid,
                steps,
                args.busy_think,
                workdir,
                f"w{workers}",
            )
            runs[workers] = with_server_log(result, server)
    return runs


def knee_run(
    args: argparse.Namespace, url: str, workdir: Path, capacity: float | None
) -> dict[str, Any]:
    """A day's users in steps, against ``--knee-workers`` workers."""
    if args.users:
        users = [int(n) for n in args.users.split(",") if n.strip()]
    else:
        rate = capacity or 30.0
        users = [max(5, round(f * rate * SECONDS_PER_REQUEST)) for f in DEFAULT_LOADS]
    say(f"p95 steps, {args.knee_workers} workers, users {users}")
    steps = []
    previous = 0
    for count in users:
        steps.append((count, settle_seconds(count - previous, args.knee_workers), args.run_time))
        previous = count
    with serve(url, workdir, args.knee_workers) as server:
        result = run_locust(
            url.rsplit("/", 1)[-1],
            server.port,
            server.process.pid,
            steps,
            1.0,
            workdir,
            "knee",
        )
        return with_server_log(result, server)


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    worker_counts = [int(n) for n in args.workers.split(",") if n.strip()]
    version = http_load.postgres_version()
    if version is None:
        say("PostgreSQL is not reachable on 127.0.0.1:5432 (user postgres): nothing to do")
        return 1
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="registry-load-") as tmp,
        http_load.throwaway_postgres("registry_load") as url,
    ):
        workdir = Path(tmp)
        say(f"migrating and seeding {args.channels:,} channels")
        build(url, args.channels, workdir)
        throughput = throughput_runs(args, url, workdir, worker_counts)
        busy = throughput.get(args.knee_workers)
        capacity = (
            busy["steps"][0]["total"]["requests"] / busy["steps"][0]["seconds"] if busy else None
        )
        knee = knee_run(args, url, workdir, capacity)
    print(machine_line(version, time.monotonic() - started))
    print()
    print(throughput_tables(throughput, args.busy_users, args.busy_think, args.knee_workers))
    print(knee_tables(knee, args.knee_workers, P95_TARGET_MS))
    # Any failure, settling included, or any server error makes the run a failure.
    results = [*throughput.values(), knee]
    failed = any(result["failures"] or result["server_errors"] for result in results)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
