"""Enqueue, claim, run and retry jobs.

A job is added to the caller's session and becomes real when the caller commits its decision
(a rollback drops it). A worker claims one due job at a time under a lease, runs its handler,
and records the outcome in the transaction that ends the lease: done, pending again after a
backoff, or failed once its attempts are used up or its handler says trying again cannot help.

Handlers are registered by kind by ``create_app`` (``register("email", ...)``), so this low
package never imports the packages whose work it runs.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from registry.audit.log import record
from registry.database import begin_write, locked_row
from registry.errors import ConflictError
from registry.extensions import db
from registry.jobs.models import Job, JobState
from registry.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobRun:
    """What a handler is given: a snapshot of the claimed job, not the row (the handler's own
    transactions never hold the job's lease)."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int


# A handler does the work and returns None, or the payload to keep once the job is done
# (an email with a one-time link keeps its body only until it is delivered).
Handler = Callable[[JobRun], dict[str, Any] | None]


class PermanentJobError(Exception):
    """Trying again cannot help (the charter's text is too large, the mail server refused the
    address for good): the job fails now instead of after its remaining attempts."""


@dataclass(frozen=True)
class Registration:
    handler: Handler
    # What the job is for, in words for the admin jobs page ("Email to ...: subject").
    describe: Callable[[Job], str]


_REGISTRY: dict[str, Registration] = {}


def register(kind: str, handler: Handler, describe: Callable[[Job], str] | None = None) -> None:
    _REGISTRY[kind] = Registration(handler, describe or (lambda job: job.kind))


def describe(job: Job) -> str:
    registration = _REGISTRY.get(job.kind)
    return registration.describe(job) if registration else f"{job.kind} (no handler registered)"


def _mark_enqueued() -> None:
    # Read when the app context ends, if JOBS_RUN_INLINE is on (see ``inline``).
    if has_app_context():
        g._jobs_enqueued = True


def find(key: str) -> Job | None:
    return db.session.scalar(select(Job).where(Job.key == key))


def enqueue(
    kind: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Add a job to the caller's session; the caller's commit makes it real.

    ``key`` makes the job idempotent: if a job with that key exists already it is returned
    and nothing is added. Without one, every call is a new job.
    """
    if kind not in _REGISTRY:
        raise LookupError(f"No handler is registered for jobs of kind {kind!r}.")
    if key is not None:
        existing = find(key)
        if existing is not None:
            return existing
    now = utcnow()
    job = Job(
        kind=kind,
        key=key or f"{kind}:{secrets.token_hex(16)}",
        payload=payload,
        state=JobState.PENDING.value,
        attempts=0,
        max_attempts=max_attempts or current_app.config["JOBS_MAX_ATTEMPTS"],
        run_after=now,
        created_at=now,
        updated_at=now,
    )
    db.session.add(job)
    _mark_enqueued()
    return job


def requeue(job: Job) -> None:
    """Make a finished job pending again with its attempts back to zero, in the caller's
    transaction (a failed charter tried again)."""
    now = utcnow()
    job.state = JobState.PENDING.value
    job.attempts = 0
    job.run_after = now
    job.updated_at = now
    job.finished_at = None
    job.locked_by = None
    job.locked_until = None
    _mark_enqueued()


def _not_retryable(state: JobState | None) -> str:
    """Why Retry did nothing, shown on the admin jobs page's error page."""
    if state is JobState.PENDING:
        return _("Only a failed job can be tried again; this one is waiting.")
    if state is JobState.RUNNING:
        return _("Only a failed job can be tried again; this one is running.")
    if state is JobState.DONE:
        return _("Only a failed job can be tried again; this one is done.")
    return _("Only a failed job can be tried again; this one is gone.")


def retry_failed(job_id: int, actor: Any) -> Job:
    """The admin jobs page's Retry: a failed job gets its attempts again (audited)."""
    begin_write()
    job = locked_row(Job, job_id)
    if job is None or job.state_enum is not JobState.FAILED:
        raise ConflictError(_not_retryable(job.state_enum if job is not None else None))
    record(
        "job-retried",
        "job",
        job.id,
        actor=actor,
        kind=job.kind,
        what=describe(job),
        attempts=job.attempts,
        last_error=(job.last_error or "")[:500],
    )
    requeue(job)
    db.session.commit()
    return job


def backoff(attempts: int) -> timedelta:
    """How long to wait after failed attempt number ``attempts``: doubling, capped."""
    config = current_app.config
    seconds = config["JOBS_BACKOFF_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["JOBS_BACKOFF_MAX_SECONDS"]))


def _due(now: datetime) -> Any:
    return or_(
        and_(Job.state == JobState.PENDING.value, Job.run_after <= now),
        # A worker that died leaves its lease behind; once it runs out, anyone may take over.
        and_(Job.state == JobState.RUNNING.value, Job.locked_until < now),
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def claim(worker: str) -> JobRun | None:
    """Take the next due job under a lease, in a short transaction of its own, or None.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so workers on several hosts each take a different
    row without waiting for one another. SQLite: the claim holds the write lock
    (``begin_write``), so claims queue and none sees a row another has just taken.
    """
    while True:
        now = utcnow()
        # A plain read first: an idle worker's poll never takes SQLite's write lock.
        if db.session.scalar(select(Job.id).where(_due(now)).limit(1)) is None:
            db.session.rollback()
            return None
        begin_write()
        query = select(Job).where(_due(now)).order_by(Job.run_after, Job.id).limit(1)
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job = db.session.scalars(query.execution_options(populate_existing=True)).first()
        if job is None:
            db.session.rollback()
            return None
        if job.state_enum is JobState.RUNNING and job.attempts >= job.max_attempts:
            # Every attempt ended with its worker gone (a render that kills its process, say):
            # stop here rather than take down worker after worker.
            _end(job, JobState.FAILED, now)
            job.last_error = (
                f"The worker running it stopped before finishing, {job.attempts} times "
                f"(its lease ran out; the last was {job.locked_by})."
            )
            job.locked_by = None
            db.session.commit()
            continue
        job.state = JobState.RUNNING.value
        job.attempts += 1
        job.locked_by = worker
        job.locked_until = now + timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])
        job.updated_at = now
        claimed = JobRun(
            job.id, job.kind, job.key, dict(job.payload), job.attempts, job.max_attempts
        )
        db.session.commit()
        return claimed


def _end(job: Job, state: JobState, now: datetime) -> None:
    job.state = state.value
    job.updated_at = now
    job.locked_until = None
    if state in (JobState.DONE, JobState.FAILED):
        job.finished_at = now


def _finish(
    run: JobRun,
    worker: str,
    error: str | None = None,
    permanent: bool = False,
    keep_payload: dict[str, Any] | None = None,
) -> JobState | None:
    """Record the outcome and end the lease, in one transaction. None if the lease was lost
    (this worker outlived it and another took the job over: that one records the outcome)."""
    begin_write()
    job = locked_row(Job, run.id)
    if job is None or job.state_enum is not JobState.RUNNING or job.locked_by != worker:
        db.session.rollback()
        log.warning("Job %s (%s): the lease ran out before it finished", run.id, run.kind)
        return None
    now = utcnow()
    job.locked_by = None
    if error is None:
        _end(job, JobState.DONE, now)
        if keep_payload is not None:
            job.payload = keep_payload
    else:
        job.last_error = error[:2000]
        if permanent or job.attempts >= job.max_attempts:
            _end(job, JobState.FAILED, now)
        else:
            _end(job, JobState.PENDING, now)
            job.run_after = now + backoff(job.attempts)
    state = job.state_enum
    db.session.commit()
    return state


def run(job: JobRun, worker: str) -> JobState | None:
    """Run a claimed job's handler and record what came of it. A handler's exception is the
    job's failure, never the worker's end."""
    registration = _REGISTRY.get(job.kind)
    try:
        if registration is None:
            raise PermanentJobError(f"No handler is registered for jobs of kind {job.kind!r}.")
        kept = registration.handler(job)
    except PermanentJobError as error:
        db.session.rollback()
        log.warning("Job %s (%s) failed for good: %s", job.id, job.kind, error)
        state = _finish(job, worker, error=str(error), permanent=True)
    except Exception as error:
        db.session.rollback()
        log.warning(
            "Job %s (%s), attempt %s of %s, failed",
            job.id,
            job.kind,
            job.attempt,
            job.max_attempts,
            exc_info=True,
        )
        state = _finish(job, worker, error=f"{type(error).__name__}: {error}")
    else:
        state = _finish(job, worker, keep_payload=kept)
    if state is not None:
        log.info("Job %s (%s): %s", job.id, job.kind, state.value)
    return state


def run_due(worker: str | None = None, stop: Callable[[], bool] = lambda: False) -> int:
    """Claim and run due jobs one at a time until none is due (or ``stop()``); how many ran.

    The worker's loop and the inline runner both come here. Each job is run at most its
    ``max_attempts`` times, so this ends even if every attempt fails at once.
    """
    name = worker or worker_name()
    count = 0
    while not stop():
        job = claim(name)
        if job is None:
            break
        run(job, name)
        count += 1
    return count
