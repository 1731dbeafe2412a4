"""Timing side by side with a baseline, and counting SQL statements."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

MIN_RUNS = 7


@dataclass(frozen=True)
class Pair:
    """Median seconds of ours and of the baseline, timed alternately in the same loop: wall
    clock (``ours``, ``baseline``) and this process's CPU time (``ours_cpu``, ``baseline_cpu``).
    """

    ours: float
    baseline: float
    runs: int
    ours_cpu: float
    baseline_cpu: float
    ours_p95: float = 0.0
    baseline_p95: float = 0.0

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    def cpu(self) -> Pair:
        """The same measurement in CPU time: the time spent computing, not waiting for the
        disk or for a CPU that other processes are using."""
        return Pair(self.ours_cpu, self.baseline_cpu, self.runs, self.ours_cpu, self.baseline_cpu)

    @property
    def cpu_ratio(self) -> float:
        return self.ours_cpu / self.baseline_cpu


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank): with few samples, the slowest but one or two."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]


def pair_of(ours: list[tuple[float, float]], baseline: list[tuple[float, float]]) -> Pair:
    """Medians and 95th percentiles of (wall, CPU) samples of both sides."""
    return Pair(
        statistics.median(wall for wall, _ in ours),
        statistics.median(wall for wall, _ in baseline),
        len(ours),
        statistics.median(cpu for _, cpu in ours),
        statistics.median(cpu for _, cpu in baseline),
        p95([wall for wall, _ in ours]),
        p95([wall for wall, _ in baseline]),
    )


def timed(function: Callable[[], Any], repeat: int = 1) -> tuple[float, float]:
    """Wall-clock and CPU seconds per call of ``function``, called ``repeat`` times."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - wall) / repeat, (time.process_time() - cpu) / repeat


def compare(
    ours: Callable[[], Any],
    baseline: Callable[[], Any],
    runs: int,
    warmup: int = 2,
    baseline_repeat: int = 1,
    collect: bool = False,
    budget: float | None = None,
) -> Pair:
    """Time ``ours`` and ``baseline`` alternately ``runs`` times each and take the medians.

    Alternating means drift (CPU frequency, another process waking up) lands on both sides.
    ``baseline_repeat`` times several baseline calls per sample when one is too short to
    time well (the result is still per call). ``collect`` runs the garbage collector before
    every sample, outside the timing: for heavy calls (a PDF render) whose garbage would
    otherwise be collected inside whichever call comes next, always the same side.
    ``budget`` (seconds) stops early, after at least ``MIN_RUNS`` pairs, so one slow page
    cannot take the whole run's time.
    """
    for _ in range(warmup):
        ours()
        baseline()
    ours_samples: list[tuple[float, float]] = []
    base_samples: list[tuple[float, float]] = []
    started = time.perf_counter()
    for run in range(runs):
        if budget is not None and run >= MIN_RUNS and time.perf_counter() - started > budget:
            break
        if collect:
            gc.collect()
        ours_samples.append(timed(ours))
        if collect:
            gc.collect()
        base_samples.append(timed(baseline, baseline_repeat))
    return pair_of(ours_samples, base_samples)


@dataclass
class QueryCounter:
    """Counts statements sent to the database while ``active``; keeps their SQL text."""

    active: bool = False
    statements: list[str] = field(default_factory=list)

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def detach(self, engine: Engine) -> None:
        event.remove(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if self.active:
            self.statements.append(" ".join(str(statement).split()))

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.statements = []
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False
