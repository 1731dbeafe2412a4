"""``python -m bench``: run the benchmarks and print the table."""

from bench.cli import main

raise SystemExit(main())
