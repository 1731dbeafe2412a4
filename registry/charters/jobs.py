"""A charter is rendered by a job, not in the request that approves: the approval queues it
(``schedule_charter``) and a worker runs ``issue``. The proposal page says what became of it
(``progress``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from registry.audit.log import record
from registry.auth.models import User
from registry.charters.limits import CharterTooLarge
from registry.charters.models import Charter
from registry.charters.services import CharterNotIssuable, charter_for, issue_charter
from registry.database import begin_write
from registry.extensions import db
from registry.jobs import JobRun, PermanentJobError, enqueue, find, requeue
from registry.jobs.models import Job, JobState
from registry.proposals import services as proposal_services
from registry.proposals.models import Proposal, ProposalState

CHARTER_JOB = "issue-charter"


def charter_job_key(proposal_id: int) -> str:
    return f"{CHARTER_JOB}:{proposal_id}"


def schedule_charter(proposal: Proposal) -> Job:
    """Queue the charter of a proposal just approved, in the approval's transaction: the
    approval and its charter job are committed together, and a worker renders it. One job per
    proposal (its key); a failed one is made pending again."""
    job = enqueue(
        CHARTER_JOB,
        {"proposal_id": proposal.id},
        key=charter_job_key(proposal.id),
        max_attempts=current_app.config["CHARTER_MAX_ATTEMPTS"],
    )
    if job.state_enum is JobState.FAILED or (
        job.state_enum is JobState.DONE and charter_for(proposal) is None
    ):
        requeue(job)
    return job


def issue(job: JobRun) -> None:
    """The job's handler. Run twice (a worker stopped after storing the charter but before
    recording the job done), it finds the charter stored and stores no second one."""
    try:
        issue_charter(job.payload["proposal_id"])
    except (CharterNotIssuable, CharterTooLarge) as error:
        # The same document would fail the same way: no point trying again.
        raise PermanentJobError(getattr(error, "message", str(error))) from error


def describe(job: Job) -> str:
    proposal = db.session.get(Proposal, job.payload.get("proposal_id", 0))
    if proposal is None:
        return "Charter for a proposal that no longer exists"
    return f"Charter for {proposal.reference} ({proposal.title})"


def request_again(proposal_id: int, actor: User) -> Charter | None:
    """The Communications team's "Try the charter again": the charter if it exists by now,
    else None with its job queued again (audited). The worker renders it; nobody waits."""
    begin_write()
    proposal = proposal_services.locked(proposal_id)
    if proposal.state_enum is not ProposalState.APPROVED:
        raise CharterNotIssuable(f"{proposal.title} is not approved, so it has no charter.")
    existing = charter_for(proposal)
    if existing is not None:
        db.session.rollback()
        return existing
    schedule_charter(proposal)
    record("charter-retry-requested", "proposal", proposal.reference, actor=actor)
    db.session.commit()
    return None


@dataclass(frozen=True)
class Progress:
    """Where an approved proposal's charter is, for its page."""

    preparing: bool  # queued or rendering now
    failed: bool  # out of attempts (or refused for good): the Communications team retries
    error: str | None  # why, for the Communications team

    @property
    def can_retry(self) -> bool:
        return not self.preparing


def progress(proposal: Proposal) -> Progress:
    """An approved proposal without a charter: its job pending or running (being prepared),
    failed, or missing (approved before charters were jobs: "pending", to be retried)."""
    job = find(charter_job_key(proposal.id))
    if job is None:
        return Progress(preparing=False, failed=False, error=None)
    state = job.state_enum
    preparing = state in (JobState.PENDING, JobState.RUNNING)
    return Progress(preparing, state is JobState.FAILED, job.last_error)
