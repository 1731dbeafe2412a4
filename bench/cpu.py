"""CPU seconds from ``/proc``: the whole machine, this process, a gunicorn master's workers,
and the PostgreSQL backends serving one database.

On a 2-core machine the load generator, the workers and PostgreSQL all share the same cores,
so the load test reports where the CPU went during each measured step; without that a flat
requests/s figure cannot be told apart from a saturated machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (not idle or waiting on I/O) since boot."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in fields]
    idle = ticks[3] + ticks[4]  # idle, iowait
    # guest and guest_nice (9, 10) are already counted in user and nice.
    return (sum(ticks[:8]) - idle) / _TICKS


def process_cpu(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` (0.0 if it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # The command name may hold spaces; the fields after it are fixed.
    after_name = stat.rsplit(")", 1)[1].split()
    return (int(after_name[11]) + int(after_name[12])) / _TICKS


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def postgres_backends(database: str | None) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving ``database`` (their process title names
    it): the server may be shared, and another database's work is not this run's."""
    if not database:
        return {}
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone since the listing
            continue
        if f" {database} " in f" {title} ":
            found[int(entry.name)] = process_cpu(int(entry.name))
    return found


@dataclass(frozen=True)
class Sample:
    machine: float
    workers: dict[int, float]
    postgres: dict[int, float]
    own: float


def sample(gunicorn_master: int | None, database: str | None = None) -> Sample:
    """The machine's busy time and the CPU of each gunicorn worker, each PostgreSQL backend
    serving ``database``, and this process."""
    workers = (
        {pid: process_cpu(pid) for pid in children(gunicorn_master)} if gunicorn_master else {}
    )
    return Sample(machine_busy(), workers, postgres_backends(database), process_cpu(os.getpid()))


def _grown(before: dict[int, float], after: dict[int, float]) -> float:
    # A process started in between counts from zero; one that ended is lost (backends of the
    # workers' connection pools live as long as the workers).
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def spent(before: Sample, after: Sample) -> dict[str, float]:
    """CPU seconds between two samples: machine, gunicorn workers, this process (locust),
    PostgreSQL's backends for the database, and the rest (anything else on the machine,
    including PostgreSQL's own background processes and other databases' backends)."""
    machine = after.machine - before.machine
    workers = _grown(before.workers, after.workers)
    postgres = _grown(before.postgres, after.postgres)
    own = after.own - before.own
    return {
        "machine": machine,
        "workers": workers,
        "locust": own,
        "postgres": postgres,
        "rest": max(0.0, machine - workers - own - postgres),
    }
