"""Results as table lines: the per-page table (each page against its floor page) and the
rows of the other measurements."""

from __future__ import annotations

from bench.inprocess import IMPORT_MEMORY_ROWS, ExportResult, ImportResult
from bench.measure import Pair
from bench.page_bench import PageResult, SubmitResult
from bench.plan import (
    CHARTER_TARGET,
    EXPORT_MEMORY_TARGET_MB,
    IMPORT_MEMORY_GROWTH,
    IMPORT_TARGET_SECONDS,
    PAGE_TARGET,
    SUBMIT_TARGET,
)
from bench.report import Row, grid_markdown, grid_text, ms, secs, times

# Rows one request may read at the largest size without counting as growth: a page of 50
# plus its counts and the user's own rows.
GROWTH_ROWS = 100

PAGE_HEADERS = (
    "page",
    "channels",
    "DB",
    "ours CPU",
    "floor CPU",
    "ours ÷ floor",
    "ours wall p50 / p95",
    "floor wall p50 / p95",
    "SQL",
    "rows read",
    "met ≤ 2×?",
)
PAGE_ALIGNS = ("---", "---:", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---")


def n(count: int) -> str:
    return f"{count:,}"


def _wall(p50: float, p95: float) -> str:
    return f"{p50 * 1000:.1f} / {p95 * 1000:.1f} ms"


def page_lines(results: list[PageResult]) -> list[tuple[str, ...]]:
    """One line per page, size and database; the ratio is of CPU time per request."""
    lines = []
    for result in results:
        timing = result.timing
        ratio = timing.cpu_ratio
        lines.append(
            (
                result.name,
                n(result.size),
                result.backend,
                ms(timing.ours_cpu),
                ms(timing.baseline_cpu),
                times(ratio),
                _wall(timing.ours, timing.ours_p95),
                _wall(timing.baseline, timing.baseline_p95),
                str(len(result.statements)),
                n(result.rows_read),
                "yes" if ratio <= PAGE_TARGET else "NO",
            )
        )
    return lines


def page_table(results: list[PageResult], markdown: bool) -> str:
    lines = page_lines(results)
    if markdown:
        return grid_markdown(PAGE_HEADERS, PAGE_ALIGNS, lines)
    return grid_text(PAGE_HEADERS, lines)


def growth_rows(results: list[PageResult]) -> list[Row]:
    """Statements and rows read per request at the smallest vs the largest size, per page
    and database: the statements must not change with the number of channels, and the rows
    read may grow only up to what a page shows (``GROWTH_ROWS``)."""
    by_key: dict[tuple[str, str], list[PageResult]] = {}
    for result in results:
        by_key.setdefault((result.name, result.backend), []).append(result)
    rows = []
    for (name, backend), found in by_key.items():
        if len(found) < 2:
            continue
        small, large = found[0], found[-1]
        count, base = len(large.statements), len(small.statements)
        rows.append(
            Row(
                f"SQL per request: {name} ({backend})",
                f"{count} stmts, {n(large.rows_read)} rows @ {n(large.size)}",
                f"{base} stmts, {n(small.rows_read)} rows @ {n(small.size)}",
                times(count / base) if base else "—",
                f"same stmts; rows same or ≤ {GROWTH_ROWS}",
                count == base
                and (large.rows_read <= small.rows_read or large.rows_read <= GROWTH_ROWS),
            )
        )
    return rows


def submit_rows(result: SubmitResult, backend: str, size: int) -> list[Row]:
    timing = result.timing
    return [
        Row(
            f"proposal submit @ {n(size)} ({backend}), CPU; wall p50 "
            f"{timing.ours * 1000:.1f} vs {timing.baseline * 1000:.1f} ms",
            ms(timing.ours_cpu),
            ms(timing.baseline_cpu) + " floor",
            times(timing.cpu_ratio),
            f"≤ {SUBMIT_TARGET:g}×",
            timing.cpu_ratio <= SUBMIT_TARGET,
        ),
        Row(
            f"SQL per proposal submit ({backend})",
            f"{len(result.statements)} stmts",
            target="—",
        ),
    ]


def charter_rows(timing: Pair) -> list[Row]:
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


def export_rows(result: ExportResult, size: int, backend: str) -> list[Row]:
    timing = result.timing
    mb = result.peak_bytes / 1024 / 1024
    base_mb = result.baseline_peak_bytes / 1024 / 1024
    return [
        Row(
            f"CSV export of {n(size)} channels ({backend}): CPU time",
            secs(timing.ours_cpu),
            secs(timing.baseline_cpu) + " csv.writer",
            times(timing.cpu_ratio),
            f"≤ {PAGE_TARGET:g}×",
            timing.cpu_ratio <= PAGE_TARGET,
        ),
        Row(
            f"CSV export of {n(size)} channels ({backend}): peak extra memory",
            f"{mb:.1f} MB",
            f"{base_mb:.1f} MB csv.writer",
            times(mb / base_mb) if base_mb else "—",
            f"< {EXPORT_MEMORY_TARGET_MB} MB",
            mb < EXPORT_MEMORY_TARGET_MB,
        ),
    ]


def import_rows(result: ImportResult, rows: int, backend: str) -> list[Row]:
    return [
        Row(
            f"CSV import of {n(rows)} rows ({backend}), wall",
            secs(result.seconds),
            secs(result.baseline_seconds) + " bulk INSERT",
            times(result.seconds / result.baseline_seconds),
            f"< {IMPORT_TARGET_SECONDS:g} s",
            result.seconds < IMPORT_TARGET_SECONDS,
        ),
        Row(
            f"CSV import of {n(IMPORT_MEMORY_ROWS[0])} rows ({backend}): peak extra memory "
            f"vs {n(IMPORT_MEMORY_ROWS[1])} rows",
            f"{mb(result.peak_bytes)} MB",
            f"{mb(result.small_peak_bytes)} MB",
            times(result.peak_bytes / result.small_peak_bytes) if result.small_peak_bytes else "—",
            f"≤ {IMPORT_MEMORY_GROWTH:g}× (flat)",
            result.peak_bytes <= IMPORT_MEMORY_GROWTH * result.small_peak_bytes,
        ),
    ]


def mb(count: int) -> str:
    return f"{count / 1024 / 1024:.1f}"
