"""The load test's tables (Markdown): throughput by workers, the p95 steps, per request type."""

from __future__ import annotations

import os
from importlib.metadata import version
from typing import Any

from bench.report import grid_markdown, machine_description


def machine_line(postgres_version: str, elapsed: float) -> str:
    load = os.getloadavg()[0]
    return (
        f"Machine: {machine_description(postgres_version)} locust {version('locust')}, "
        f"gunicorn {version('gunicorn')} (sync workers); load average {load:.1f} at the end; "
        f"{elapsed:.0f} s in all."
    )


def _rate(step: dict[str, Any]) -> float:
    return step["total"]["requests"] / step["seconds"] if step["seconds"] else 0.0


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def _cpu_cells(step: dict[str, Any]) -> tuple[str, ...]:
    """Share of the machine's cores over the step: workers, locust, PostgreSQL, the rest
    (anything else on the machine), and how busy the machine was."""
    cores = os.cpu_count() or 1
    capacity = step["seconds"] * cores
    cpu = step["cpu"]

    def share(seconds: float) -> str:
        return f"{100 * seconds / capacity:.0f}%"

    return (
        share(cpu["workers"]),
        share(cpu["locust"]),
        share(cpu["postgres"]),
        share(cpu["rest"]),
        share(cpu["machine"]),
    )


def _per_request(step: dict[str, Any], side: str) -> str:
    requests = step["total"]["requests"]
    return f"{1000 * step['cpu'][side] / requests:.1f} ms" if requests else "—"


STEP_HEADERS = (
    "req/s",
    "p50",
    "p95",
    "p99",
    "requests",
    "failures",
    "worker CPU / request",
    "DB CPU / request",
    "workers",
    "locust",
    "PostgreSQL (this DB)",
    "other",
    "machine busy",
)


def _step_cells(step: dict[str, Any]) -> tuple[str, ...]:
    total = step["total"]
    return (
        f"{_rate(step):.1f}",
        _ms(total["p50"]),
        _ms(total["p95"]),
        _ms(total["p99"]),
        f"{total['requests']:,}",
        str(total["failures"]),
        _per_request(step, "workers"),
        _per_request(step, "postgres"),
        *_cpu_cells(step),
    )


def per_type_table(step: dict[str, Any]) -> str:
    lines = [
        (
            f"{entry['method']} {entry['name']}",
            f"{entry['requests'] / step['seconds']:.2f}",
            f"{entry['requests']:,}",
            str(entry["failures"]),
            _ms(entry["p50"]),
            _ms(entry["p95"]),
            _ms(entry["p99"]),
            _ms(entry["max"]),
        )
        for entry in step["entries"]
        if entry["requests"]
    ]
    headers = ("request", "req/s", "requests", "failures", "p50", "p95", "p99", "max")
    aligns = ("---", *("---:",) * 7)
    return grid_markdown(headers, aligns, lines)


def problems(result: dict[str, Any]) -> str:
    """Failures of the whole run (settling included) and any server errors, with the log."""
    out = []
    for what, count in sorted(result["failures"].items(), key=lambda item: -item[1]):
        out.append(f"* {count} × {what}")
    for error in result["server_errors"]:
        out.append(f"* HTTP {error['status']} {error['method']} {error['url']}")
    if result.get("server_log"):
        out.append("\nServer log (tail):\n\n```\n" + result["server_log"] + "\n```")
    return "\n".join(out)


def throughput_tables(
    runs: dict[int, dict[str, Any]], users: int, think: float, detail_workers: int
) -> str:
    lines = []
    rates = {}
    for workers, result in sorted(runs.items()):
        step = result["steps"][0]
        rates[workers] = _rate(step)
        lines.append((str(workers), *_step_cells(step)))
    aligns = ("---:",) * (len(STEP_HEADERS) + 1)
    out = [
        f"Throughput by workers: {users} users, think times × {think:g} (every worker kept busy)",
        "",
        grid_markdown(("workers", *STEP_HEADERS), aligns, lines),
        "",
    ]
    if 1 in rates and rates[1] and len(rates) > 1:
        ratios = ", ".join(
            f"{w} workers ÷ 1 worker = {rates[w] / rates[1]:.2f}×" for w in sorted(rates) if w > 1
        )
        out += [f"Requests/s: {ratios}.", ""]
    if detail_workers in runs:
        out += [
            f"Per request type, {detail_workers} workers:",
            "",
            per_type_table(runs[detail_workers]["steps"][0]),
            "",
        ]
    for workers, result in sorted(runs.items()):
        text = problems(result)
        if text:
            out += [f"Failures, {workers} workers:", "", text, ""]
    return "\n".join(out)


def knee_tables(result: dict[str, Any], workers: int, target_ms: float) -> str:
    steps = result["steps"]
    lines = [
        (
            str(step["users"]),
            *_step_cells(step),
            "yes" if step["total"]["p95"] <= target_ms else "NO",
        )
        for step in steps
    ]
    headers = ("users", *STEP_HEADERS, f"p95 ≤ {target_ms:g} ms?")
    aligns = ("---:",) * (len(headers) - 1) + ("---",)
    within = [step for step in steps if step["total"]["p95"] <= target_ms]
    best = max(within, key=_rate) if within else None
    out = [
        f"A day's users (full think times), {workers} workers",
        "",
        grid_markdown(headers, aligns, lines),
        "",
    ]
    if best is None:
        out += [f"No step kept p95 ≤ {target_ms:g} ms.", ""]
    else:
        out += [
            f"Requests/s at p95 ≤ {target_ms:g} ms: {_rate(best):.1f} "
            f"({best['users']} users, p95 {_ms(best['total']['p95'])}, "
            f"{best['total']['failures']} failures).",
            "",
            f"Per request type at {best['users']} users:",
            "",
            per_type_table(best),
            "",
        ]
    text = problems(result)
    if text:
        out += ["Failures:", "", text, ""]
    return "\n".join(out)
