"""Durable side effects: an outbox of jobs in the registry's own database, and the worker
that runs them (see services and worker)."""

from registry.jobs.services import (
    JobRun,
    PermanentJobError,
    enqueue,
    find,
    register,
    requeue,
    run_due,
)

__all__ = ["JobRun", "PermanentJobError", "enqueue", "find", "register", "requeue", "run_due"]
