"""``JOBS_RUN_INLINE``: the jobs an app context enqueued run, through the worker's own code,
when that context ends (after each request, after each CLI command).

On in the test configuration only, so the tests see an email or a charter right after the
action, produced by the same claim/run/finish path a worker takes. Off by default: in
production a worker (``flask registry worker``) runs them and a request never waits.
"""

from __future__ import annotations

import contextvars

from flask import Flask, g

from registry.extensions import db
from registry.jobs.services import run_due

_running: contextvars.ContextVar[bool] = contextvars.ContextVar("jobs_inline", default=False)


def init_app(app: Flask) -> None:
    @app.teardown_appcontext
    def run_enqueued_jobs(_error: BaseException | None) -> None:
        if not app.config.get("JOBS_RUN_INLINE") or not g.pop("_jobs_enqueued", False):
            return
        if _running.get():  # a job that enqueues another: the loop below picks it up
            return
        token = _running.set(True)
        try:
            # Whatever the request left in its session is not ours to commit.
            db.session.remove()
            run_due()
        except Exception:
            app.logger.exception("Running the jobs this request enqueued failed")
        finally:
            db.session.remove()
            _running.reset(token)
