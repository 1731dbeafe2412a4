"""The job queue: emails and charters recorded with their decision, run by the worker's code,
retried with backoff against a real (sometimes absent, sometimes refusing) SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from registry import notifications
from registry.audit.models import AuditEntry
from registry.extensions import db as database
from registry.jobs.models import Job
from registry.jobs.services import _finish, backoff, claim, run, run_due
from registry.timeutil import utcnow
from tests.conftest import free_port, run_worker_once
from tests.workflow import decide, submitted_proposal

ADDRESS = "kiri@example.govt.nz"


@pytest.fixture
def settings(app):  # noqa: ANN001, ANN201
    """Change app settings for one test."""
    saved: dict = {}

    def change(**values: object) -> None:
        for key, value in values.items():
            saved.setdefault(key, app.config[key])
            app.config[key] = value

    yield change
    app.config.update(saved)


def only_job() -> Job:
    database.session.rollback()  # read what the worker committed
    (job,) = database.session.scalars(select(Job)).all()
    return job


def test_a_job_is_real_only_when_its_decision_is_committed(db):
    notifications.send([ADDRESS], "Rolled back", "Never sent.")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Job.id))) == 0
    notifications.send([ADDRESS, None, ""], "Committed", "Sent by the worker.")
    db.session.commit()
    job = only_job()
    assert (job.kind, job.state, job.attempts) == ("email", "pending", 0)
    assert job.payload["to"] == [ADDRESS]


def test_a_decision_commits_its_email_for_the_worker(client_as, people, db, queued_for_a_worker):
    proposal = submitted_proposal(client_as, people)
    response = decide(client_as("manager"), proposal, capacity="manager-communications")
    assert response.status_code == 302
    emails = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [(j.kind, j.state) for j in emails] == [("email", "pending")] * 2
    assert "Signed off by Manager Communications" in emails[1].payload["subject"]
    # Refused: the proposer cannot sign their own proposal. No email is queued for it.
    refused = decide(client_as("staff_policy"), proposal, capacity="dce")
    assert refused.status_code in (403, 409)
    assert db.session.scalar(select(func.count(Job.id))) == 2


def test_backoff_doubles_up_to_its_cap_and_the_last_attempt_fails_the_job(
    app, client_as, people, db, settings
):
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]
    settings(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), JOBS_MAX_ATTEMPTS=3)
    notifications.send([ADDRESS], "Nobody is listening", "The mail server is down.")
    db.session.commit()
    for attempt, wait in ((1, 30), (2, 60)):
        started = utcnow()
        assert run_due("worker-a") == 1
        job = only_job()
        assert (job.state, job.attempts) == ("pending", attempt)
        assert job.last_error.startswith("ConnectionRefusedError")
        assert timedelta(seconds=wait) <= job.run_after - started <= timedelta(seconds=wait + 5)
        assert run_due("worker-a") == 0  # not due again before its backoff
        job.run_after = utcnow() - timedelta(seconds=1)  # as if the wait had passed
        db.session.commit()
    assert run_due("worker-a") == 1
    job = only_job()
    assert (job.state, job.attempts) == ("failed", 3)
    assert job.finished_at is not None and job.last_error.startswith("ConnectionRefusedError")
    assert run_due("worker-a") == 0  # failed stays failed, and stays visible
    page = client_as("admin").get("/admin/jobs").get_data(as_text=True)
    assert f"Email to {ADDRESS}: [MEC channel registry] Nobody is listening" in page
    assert "3 of 3" in page and "ConnectionRefusedError" in page


class Refusing:
    """An SMTP server that answers every recipient with ``reply``."""

    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, ANN201, N802
        return self.reply


@pytest.mark.parametrize(
    ("reply", "state"),
    [("451 4.3.0 Try again later", "pending"), ("550 5.1.1 No such person here", "failed")],
)
def test_a_refusal_for_good_fails_at_once_and_a_temporary_one_waits(db, settings, reply, state):
    port = free_port()
    server = Controller(Refusing(reply), hostname="127.0.0.1", port=port)
    server.start()
    try:
        settings(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        notifications.send([ADDRESS], "Refused", "The server says no.")
        db.session.commit()
        assert run_due("worker-a") == 1
    finally:
        server.stop()
    job = only_job()
    assert (job.state, job.attempts) == (state, 1)
    assert reply.split()[0] in job.last_error


def test_an_emailed_link_leaves_the_database_once_delivered(client_as, people, db, mailbox):
    admin = client_as("admin")
    response = admin.post(
        "/admin/users/new",
        data={"email": ADDRESS, "name": "Kiri New", "business_unit": str(people.policy.id)},
    )
    assert response.status_code == 302
    (message,) = mailbox.to(ADDRESS)
    token = re.search(r"/invitation/([A-Za-z0-9_-]+)", message.get_content()).group(1)
    invitation = db.session.scalars(select(Job).where(Job.payload["secret"].as_boolean())).one()
    assert invitation.state == "done"
    assert invitation.payload["body"] == "" and invitation.payload["to"] == [ADDRESS]
    assert all(token not in str(job.payload) for job in db.session.scalars(select(Job)))
    # An email without a one-time link keeps its body.
    submitted_proposal(client_as, people)
    notice = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert notice.state == "done" and "has submitted" in notice.payload["body"]


def test_one_email_delivered_twice_carries_one_message_id(db, mailbox, settings):
    """The honest limit of "exactly once": a worker stopped between the mail server's 250 and
    recording the job done. Another worker takes the job over when the lease runs out and
    delivers it again, under the same Message-ID, so the two are recognisably one message."""
    settings(JOBS_LEASE_SECONDS=0)  # a lease that has already run out
    notifications.send([ADDRESS], "Twice", "Delivered by two workers.")
    db.session.commit()
    first = claim("worker-a")
    notifications.deliver(first)  # ... and worker-a stops here, before recording it done
    second = claim("worker-b")
    assert second is not None and (second.id, second.attempt) == (first.id, 2)
    settings(JOBS_LEASE_SECONDS=300)
    assert run(second, "worker-b").value == "done"
    ids = [m["Message-ID"] for m in mailbox.to(ADDRESS)]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert re.fullmatch(
        rf"<registry\.job{first.id}\.[0-9a-f]{{24}}@ethniccommunities\.govt\.nz>", ids[0]
    )
    # worker-a's lease is long gone: what it would record now changes nothing.
    assert _finish(first, "worker-a", error="late") is None
    assert only_job().state == "done" and only_job().last_error is None


def failed_email(settings) -> Job:  # noqa: ANN001
    settings(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), JOBS_MAX_ATTEMPTS=1)
    notifications.send([ADDRESS], "Failed once", "The mail server was down.")
    database.session.commit()
    assert run_due("worker-a") == 1
    job = only_job()
    assert job.state == "failed"
    return job


def test_an_administrator_retries_a_failed_job(app, client_as, people, db, mailbox, settings):
    job = failed_email(settings)
    settings(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)  # the mail server is back
    admin = client_as("admin")
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert f'action="/admin/jobs/{job.id}/retry"' in page and 'name="csrf_token"' in page
    for role in ("comms", "manager", "staff_policy"):
        assert client_as(role).post(f"/admin/jobs/{job.id}/retry").status_code == 403
    assert client_as("comms").get("/admin/jobs").status_code == 403
    assert mailbox.to(ADDRESS) == []
    response = admin.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)
    assert "queued to be tried again" in response.get_data(as_text=True)
    (message,) = mailbox.to(ADDRESS)  # run by the worker's code once the request ended
    assert str(message["Subject"]).endswith("Failed once")
    job = only_job()
    assert (job.state, job.attempts) == ("done", 1)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "job-retried")).one()
    assert entry.actor_id == people.admin.id and "Failed once" in entry.summary
    again = admin.post(f"/admin/jobs/{job.id}/retry")
    assert again.status_code == 409
    assert "Only a failed job can be tried again" in again.get_data(as_text=True)


def test_the_jobs_page_never_shows_an_emailed_link(
    app, client_as, people, db, queued_for_a_worker, mailbox
):
    staff = people.staff_community
    response = client_as("admin").post(f"/admin/users/{staff.id}/reset-password")
    assert response.status_code == 302
    job = only_job()
    assert job.payload["secret"] and "/reset-password/" in job.payload["body"]  # until sent
    page = client_as("admin").get("/admin/jobs").get_data(as_text=True)
    assert f"Email to {staff.email}: [MEC channel registry] Set a new password" in page
    assert "/reset-password/" not in page and "Kia ora" not in page
    assert "Nothing is waiting." not in page
    run_worker_once(app)
    assert only_job().payload["body"] == ""
    assert "/reset-password/" in mailbox.to(staff.email)[0].get_content()
