"""The outbox: side effects (emails, charter renders) recorded as rows in the same
transaction as the decision that causes them, then run by a worker."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class JobState(enum.StrEnum):
    PENDING = "pending"  # waiting for its run_after time and a worker
    RUNNING = "running"  # a worker holds its lease until locked_until
    DONE = "done"
    FAILED = "failed"  # out of attempts, or refused for good: stays until someone retries it

    @property
    def label(self) -> str:
        return {
            JobState.PENDING: _("Waiting"),
            JobState.RUNNING: _("Running"),
            JobState.DONE: _("Done"),
            JobState.FAILED: _("Failed"),
        }[self]


class Job(db.Model):
    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'running', 'done', 'failed')",
            name="state",
        ),
        # What a worker's claim looks for: due pending jobs, and running ones whose lease ran out.
        Index("ix_job_state_run_after", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The idempotency key: one row per effect, e.g. "issue-charter:12". Enqueueing the same
    # key again finds the row instead of adding a second effect.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=JobState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The lease: which worker runs it, and until when nobody else may take it.
    locked_by: Mapped[str | None] = mapped_column(String(200))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def state_enum(self) -> JobState:
        return JobState(self.state)
