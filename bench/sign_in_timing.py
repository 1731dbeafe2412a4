"""Wall time of a failed sign-in for a known and an unknown email, at the production argon2
cost (``python -m bench.sign_in_timing [--runs N]``). The two should match: an unknown email
costs one argon2 verify against a dummy hash, like a known one."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.apps import bench_config, csrf_token, migrate, quiet_logging

KNOWN = "timing.person@example.govt.nz"
UNKNOWN = "nobody.here@example.govt.nz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs

    from registry import create_app
    from registry.auth import services

    with tempfile.TemporaryDirectory() as folder:
        config = bench_config(f"sqlite:///{Path(folder) / 'timing.sqlite3'}")
        config.RATELIMIT_ENABLED = False  # every attempt fails on purpose
        app = create_app(config)
        migrate(app)
        with app.app_context():
            services.create_user(KNOWN, "Timing Person", "a-long-enough-password")
        client = app.test_client()
        token = csrf_token(client.get("/sign-in").get_data(as_text=True))

        def attempt(email: str) -> float:
            started = time.perf_counter()
            client.post(
                "/sign-in", data={"email": email, "password": "wrong-password", "csrf_token": token}
            )
            return time.perf_counter() - started

        with quiet_logging():
            timings: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
            for _ in range(runs):  # alternating, so drift affects both alike
                for email in timings:
                    timings[email].append(attempt(email))
    known, unknown = (statistics.median(timings[e]) for e in (KNOWN, UNKNOWN))
    print(f"failed sign-in, known email:   {known * 1000:7.1f} ms (median of {runs})")
    print(f"failed sign-in, unknown email: {unknown * 1000:7.1f} ms (median of {runs})")
    print(f"unknown / known: {unknown / known:.2f}")


if __name__ == "__main__":
    main()
