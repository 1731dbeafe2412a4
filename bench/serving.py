"""Application factories for gunicorn: ``bench.serving:registry_app()`` and ``bare_app()``.

The registry reads its database from ``DATABASE_URL``, as ``config.py`` does; the settings
are the bench's (development, DEBUG off), the same as in-process.
"""

from __future__ import annotations

import os

from flask import Flask

from bench import apps


def registry_app() -> Flask:
    return apps.registry_app(os.environ["DATABASE_URL"])


def bare_app() -> Flask:
    return apps.bare_app()
