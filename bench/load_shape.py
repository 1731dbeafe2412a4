"""Steps of a load test inside one locust process, and what each step measured.

A step holds a number of users: first ``settle`` seconds while the new users sign in (at
the production argon2 cost, about 0.2 s of a worker's CPU each) and the queues fill, then
``measure`` seconds whose requests are the step's figures. Running every step in one locust
process lets the users of one step stay signed in for the next, so only the new users sign
in. The figures are locust's own (stats reset when a step's measurement starts, read when it
ends), with the CPU that each side spent over the same window (``bench.cpu``).

Configured by environment variables (set by ``bench.load_test``):
``REGISTRY_LOAD_STEPS`` (JSON: ``[[users, settle, measure], ...]``), ``REGISTRY_LOAD_RESULTS``
(where to write the JSON results), ``REGISTRY_LOAD_GUNICORN`` (the gunicorn master's pid) and
``REGISTRY_LOAD_DATABASE`` (the PostgreSQL database's name).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from typing import Any

from locust import LoadTestShape

from bench import cpu

# Every failure of the whole run, including the settle phases (stats resets do not touch
# these), and the first few server errors with their addresses and what the page said.
FAILURES: Counter[str] = Counter()
SERVER_ERRORS: list[dict[str, Any]] = []
_KEEP_SERVER_ERRORS = 20


def note_request(
    request_type: str,
    name: str,
    response: Any = None,
    exception: BaseException | None = None,
    url: str | None = None,
    **_: Any,
) -> None:
    """locust's request event: count failures; keep the first server errors."""
    if exception is not None:
        FAILURES[f"{request_type} {name}: {str(exception)[:200]}"] += 1
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 and len(SERVER_ERRORS) < _KEEP_SERVER_ERRORS:
        body = getattr(response, "text", "") or ""
        SERVER_ERRORS.append(
            {"status": status, "method": request_type, "url": url, "body": body[:2000]}
        )


def _entry(entry: Any) -> dict[str, Any]:
    return {
        "name": entry.name,
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "max": entry.max_response_time,
    }


class StepShape(LoadTestShape):
    """Hold each step's users for its settle and measure seconds, then stop."""

    def __init__(self) -> None:
        super().__init__()
        self.steps = [tuple(step) for step in json.loads(os.environ["REGISTRY_LOAD_STEPS"])]
        self.results_path = os.environ["REGISTRY_LOAD_RESULTS"]
        master = os.environ.get("REGISTRY_LOAD_GUNICORN")
        self.master = int(master) if master else None
        self.database = os.environ.get("REGISTRY_LOAD_DATABASE")
        self.index = 0
        self.step_started = 0.0
        self.measuring: tuple[float, cpu.Sample] | None = None
        self.results: list[dict[str, Any]] = []

    def tick(self) -> tuple[int, float] | None:
        now = self.get_run_time()
        if self.index >= len(self.steps):
            return None
        users, settle, measure = self.steps[self.index]
        if self.measuring is None and now >= self.step_started + settle:
            self.runner.stats.reset_all()
            self.measuring = (time.monotonic(), cpu.sample(self.master, self.database))
        elif self.measuring is not None and now >= self.step_started + settle + measure:
            self._finish(users)
            self.index += 1
            self.step_started = now
            self.measuring = None
            if self.index >= len(self.steps):
                return None
            users = self.steps[self.index][0]
        previous = self.steps[self.index - 1][0] if self.index else 0
        # New users arrive over about three seconds; each signs in once.
        return users, max(2.0, (users - previous) / 3)

    def _finish(self, users: int) -> None:
        assert self.measuring is not None
        started, before = self.measuring
        seconds = time.monotonic() - started
        stats = self.runner.stats
        self.results.append(
            {
                "users": users,
                "running": self.runner.user_count,
                "seconds": seconds,
                "total": _entry(stats.total),
                "entries": sorted(
                    (_entry(entry) for entry in stats.entries.values()),
                    key=lambda row: -row["requests"],
                ),
                "cpu": cpu.spent(before, cpu.sample(self.master, self.database)),
            }
        )
        with open(self.results_path, "w", encoding="utf-8") as out:
            json.dump(
                {
                    "steps": self.results,
                    "failures": dict(FAILURES),
                    "server_errors": SERVER_ERRORS,
                },
                out,
                indent=1,
            )
