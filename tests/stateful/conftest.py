"""Settings profiles for the lifecycle state machines, and the app they run against.

HYPOTHESIS_PROFILE=ci (the default) runs enough lifecycles to matter in a few minutes per
database; HYPOTHESIS_PROFILE=fuzz (``make fuzz``) runs many more with no time limit. The
profiles are applied to the machines only, never loaded globally, so they leave the rest of
the suite's Hypothesis tests alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, settings

# Each example builds a cast of a dozen people (a few dozen database writes) before its first
# step, so a slow example is the fixture, not a sign of a hang; and the database is wiped by
# the machine's teardown, not a function fixture, which is what that health check is about.
_SUPPRESSED = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]

# In CI a failure is reported as found, unshrunk: shrinking a long lifecycle against a database
# can take Hypothesis's own limit (five minutes) per failure. Run the failing seed again with
# HYPOTHESIS_PROFILE=quick or fuzz (which shrink) to get the minimal example.
_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target)

settings.register_profile(
    "ci",
    max_examples=200,
    # 20 steps keeps the whole of tests/stateful within about three minutes on PostgreSQL on
    # a loaded machine; ``fuzz`` runs longer lifecycles.
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=_SUPPRESSED,
    derandomize=False,
    phases=_NO_SHRINK,
)
settings.register_profile(
    "fuzz",
    max_examples=3000,
    stateful_step_count=60,
    deadline=None,
    suppress_health_check=_SUPPRESSED,
)

# A smoke run while changing the machines themselves.
settings.register_profile(
    "quick",
    max_examples=8,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=_SUPPRESSED,
)

# A middle run while changing the machines.
settings.register_profile(
    "medium",
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=_SUPPRESSED,
    phases=_NO_SHRINK,
)

# The HTTP machine renders pages for every step and invariant: fewer, shorter lifecycles.
HTTP_SHARE = {"ci": 0.25, "fuzz": 0.25, "quick": 1.0, "medium": 0.25}


def profile_name() -> str:
    name = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    return name if name in HTTP_SHARE else "ci"


def machine_settings(http: bool = False) -> settings:
    name = profile_name()
    base = settings.get_profile(name)
    if not http:
        return base
    return settings(
        base,
        max_examples=max(5, int(base.max_examples * HTTP_SHARE[name])),
        stateful_step_count=max(10, base.stateful_step_count * 2 // 3),
    )


@pytest.fixture
def lifecycle_app(app: Flask, db) -> Iterator[Flask]:  # noqa: ANN001
    """The test app with the public register switched on (its promise is checked every step)."""
    saved = app.config["PUBLIC_REGISTER_ENABLED"]
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    yield app
    app.config["PUBLIC_REGISTER_ENABLED"] = saved
