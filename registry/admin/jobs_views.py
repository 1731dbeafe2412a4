"""The admin jobs page: emails and charters waiting or failed, and Retry for a failed one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from registry.admin.views import blueprint
from registry.auth.models import Office
from registry.auth.permissions import current_actor, office_required
from registry.extensions import db
from registry.jobs.models import Job, JobState
from registry.jobs.services import describe, retry_failed
from registry.timeutil import utcnow

# During a long mail outage the queue can hold thousands of emails; the page lists the
# oldest this many of each kind and says how many there are.
SHOWN = 200


def _jobs(states: tuple[JobState, ...]) -> tuple[list[Job], int]:
    where = Job.state.in_([s.value for s in states])
    total = db.session.scalar(select(func.count(Job.id)).where(where)) or 0
    rows = db.session.scalars(select(Job).where(where).order_by(Job.run_after, Job.id).limit(SHOWN))
    return list(rows), total


@blueprint.route("/jobs")
@office_required(Office.ADMIN)
def jobs():
    failed, failed_total = _jobs((JobState.FAILED,))
    waiting, waiting_total = _jobs((JobState.PENDING, JobState.RUNNING))
    return render_template(
        "admin/jobs.html",
        failed=failed,
        failed_total=failed_total,
        waiting=waiting,
        waiting_total=waiting_total,
        describe=describe,
        now=utcnow(),
    )


@blueprint.route("/jobs/<int:job_id>/retry", methods=["POST"])
@office_required(Office.ADMIN)
def retry_job(job_id: int):
    db.get_or_404(Job, job_id)
    # A job that is not failed (retried by someone else meanwhile, or done) is a 409 from the
    # app's one domain-error handler.
    job = retry_failed(job_id, current_actor())
    flash(_("%(what)s: queued to be tried again.", what=describe(job)), "success")
    return redirect(url_for("admin.jobs"))
