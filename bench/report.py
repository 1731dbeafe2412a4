"""The results table and the machine it was measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import datetime

HEADERS = ("measurement", "ours", "baseline", "ratio", "target", "met?")


@dataclass
class Row:
    """One line of the table. ``met`` is True/False, or None when the row has no target."""

    measurement: str
    ours: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    met: bool | None = None
    note: str = ""

    @property
    def met_text(self) -> str:
        if self.note:
            return self.note
        if self.met is None:
            return "—"
        return "yes" if self.met else "NO"

    def cells(self) -> tuple[str, ...]:
        return (self.measurement, self.ours, self.baseline, self.ratio, self.target, self.met_text)


def skipped(measurement: str, why: str, target: str = "—") -> Row:
    return Row(measurement, "skipped", target=target, note=f"skipped ({why})")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def times(ratio: float) -> str:
    return f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"


def grid_text(headers: tuple[str, ...], lines: list[tuple[str, ...]]) -> str:
    """Plain text, columns padded to line up."""
    grid = [headers, *lines]
    widths = [max(len(line[i]) for line in grid) for i in range(len(headers))]
    out = []
    for index, line in enumerate(grid):
        out.append(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if index == 0:
            out.append("-+-".join("-" * width for width in widths))
    return "\n".join(out)


def grid_markdown(
    headers: tuple[str, ...], aligns: tuple[str, ...], lines: list[tuple[str, ...]]
) -> str:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(headers), line(aligns), *(line(cells) for cells in lines)])


def text_table(rows: list[Row]) -> str:
    return grid_text(HEADERS, [row.cells() for row in rows])


def markdown_table(rows: list[Row]) -> str:
    aligns = ("---", "---:", "---:", "---:", "---", "---")
    return grid_markdown(HEADERS, aligns, [row.cells() for row in rows])


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for text in info:
                if text.lower().startswith("model name"):
                    return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            for text in info:
                if text.startswith("MemTotal:"):
                    return int(text.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return None


def machine_description(postgres_version: str | None = None) -> str:
    """CPU model, cores, RAM, OS, Python and database versions, and the date: read now."""
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    ram = _ram_gib()
    parts = [
        _cpu_model(),
        f"{usable} cores usable ({cores} online)" if usable != cores else f"{cores} cores",
        f"{ram:.1f} GiB RAM" if ram else "RAM unknown",
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    if postgres_version:
        parts.append(f"PostgreSQL {postgres_version}")
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"{'; '.join(parts)}. Measured {stamp}."
