"""``--profile``: where the time of the slow measurements goes (cProfile, cumulative)."""

from __future__ import annotations

import cProfile
import io
import pstats
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def profile(
    title: str,
    function: Callable[[], object],
    repeat: int,
    top: int = 30,
    sort: str = "cumulative",
) -> str:
    """cProfile ``function`` called ``repeat`` times; the ``top`` entries by ``sort``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        function()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(sort)
    stats.print_stats(top)
    body = out.getvalue().strip()
    return f"=== {title} ({repeat} calls) ===\n{body}\n"


def clocks(title: str, function: Callable[[], object], repeat: int) -> str:
    """Median wall-clock and CPU time of ``function``: the gap is time spent waiting (for the
    disk to confirm a commit, or for a CPU other processes are using)."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return (
        f"=== {title} ({repeat} calls): median wall {statistics.median(wall) * 1000:.1f} ms, "
        f"median CPU {statistics.median(cpu) * 1000:.1f} ms ===\n"
    )


def durable_commit(folder: Path, repeat: int = 50) -> str:
    """What one small durable write costs on this disk: plain sqlite3, WAL (as the registry
    sets it), BEGIN IMMEDIATE + one INSERT + COMMIT."""
    connection = sqlite3.connect(folder / "commit-cost.sqlite3", isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
        samples = []
        for value in range(repeat):
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t VALUES (?)", (value,))
            connection.execute("COMMIT")
            samples.append(time.perf_counter() - started)
        synchronous = connection.execute("PRAGMA synchronous").fetchone()[0]
    finally:
        connection.close()
    return (
        f"=== one durable SQLite write (BEGIN IMMEDIATE, INSERT, COMMIT; WAL, synchronous="
        f"{synchronous}), {repeat} times: median {statistics.median(samples) * 1000:.2f} ms ===\n"
    )


def page_profiles(
    results: list[Any],
    clients: dict[str, Any],
    api_token: str,
    count: int = 4,
    repeat: int = 30,
) -> str:
    """cProfile of the ``count`` pages furthest above their floors (ratio of CPU time), each
    requested ``repeat`` times: by cumulative time (where the request goes) and by own time
    (which functions do the work)."""
    from bench.pages import API, PAGES

    specs = {spec.name: spec for spec in PAGES}
    worst = sorted(results, key=lambda result: result.timing.cpu_ratio, reverse=True)[:count]
    parts = []
    for result in worst:
        spec = specs[result.name]
        client = clients[spec.who]
        headers = {"Authorization": f"Bearer {api_token}"} if spec.who == API else {}
        title = f"GET {result.url} ({result.name}, {result.timing.cpu_ratio:.1f}× its floor)"

        def fetch(client: Any = client, url: str = result.url, headers: dict = headers) -> None:
            client.get(url, headers=headers)

        parts.append(profile(title, fetch, repeat, 35))
        parts.append(profile(title + ", by own time", fetch, repeat, 20, sort="tottime"))
    return "\n".join(parts)
