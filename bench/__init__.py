"""Benchmarks for the channel governance registry: ``python -m bench`` (or ``make bench``).

Every timing is measured side by side with a baseline in the same run and reported as a
ratio. Nothing here is collected by pytest or run in CI; see ``bench/README.md``.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
