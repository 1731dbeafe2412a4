"""How much the run measures: channel counts, samples per measurement, which databases."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_TARGET = 2.0  # every GET page at most twice its floor page (issue 14)
SUBMIT_TARGET = 2.0  # the submit at most twice a floor that makes the same writes
CHARTER_TARGET = 1.2
EXPORT_MEMORY_TARGET_MB = 50
IMPORT_TARGET_SECONDS = 10.0
# Ten times the rows may cost at most this much more memory at its peak: streaming, not held.
IMPORT_MEMORY_GROWTH = 1.5
LOAD_ROUNDS = 4


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]  # channel counts, smallest first; pages are measured at each
    page_runs: int  # pairs of samples per page, at most
    page_budget: float  # seconds per page, after which sampling stops (at least 7 pairs)
    submit_runs: int
    charter_runs: int
    export_runs: int
    import_rows: int
    postgres: bool
    gunicorn: bool = False
    load_requests: int = 2_000
    load_threads: int = 4

    @property
    def small(self) -> int:
        return self.sizes[0]

    @property
    def large(self) -> int:
        return self.sizes[-1]


FULL = Plan(
    sizes=(1_000, 10_000),
    page_runs=60,
    page_budget=3.0,
    submit_runs=15,
    charter_runs=5,
    export_runs=3,
    import_rows=10_000,
    postgres=True,
)
QUICK = Plan(
    sizes=(100, 1_000),
    page_runs=12,
    page_budget=0.7,
    submit_runs=4,
    charter_runs=2,
    export_runs=1,
    import_rows=1_000,
    postgres=False,
)


def parse_sizes(text: str) -> tuple[int, ...]:
    """``1000,10000,100000`` (underscores allowed) as sorted channel counts; at least 43, so
    the pages' example channel ``seed_00042`` exists."""
    sizes = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    if not sizes or sizes[0] < 43:
        raise ValueError("give channel counts of at least 43, e.g. 1000,10000")
    return tuple(sizes)
