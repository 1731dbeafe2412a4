"""Real workers: the mail server down while decisions are made, a worker killed mid-render, and
(on PostgreSQL) two servers and two workers sharing one queue."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.charters.jobs import charter_job_key
from registry.charters.models import Charter
from registry.charters.services import regenerate
from registry.extensions import db as database
from registry.jobs.models import Job
from registry.proposals.models import Proposal
from registry.signoffs.models import Signoff
from tests import factories
from tests.conftest import free_port, run_worker_once
from tests.workflow import approved_proposal, decide, decision_form, submitted_proposal

PROJECT = Path(__file__).resolve().parents[2]


def fresh(query):  # noqa: ANN001, ANN201
    database.session.rollback()  # see what the other processes committed
    return database.session.scalars(query).all()


def wait_for(condition: Callable[[], object], what: str, timeout: float = 120) -> object:
    """Wait until ``condition()`` is true, looking every 50 ms, for at most ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)
    return value


def process_env(database_url: str, **settings: object) -> dict[str, str]:
    env = {
        **os.environ,
        "REGISTRY_ENV": "testing",
        "TEST_DATABASE_URL": database_url,
        "FLASK_APP": "wsgi.py",
        "PYTHONPATH": str(PROJECT),
        # A real worker runs the jobs, not the request that queued them.
        "JOBS_RUN_INLINE": "0",
    }
    env.update({key: str(value) for key, value in settings.items()})
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return start(["flask", "registry", "worker", "--poll", "0.2"], env, log)


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=60)


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")  # dead; a zombie waits only for init to collect it


def test_emails_queued_while_the_mail_server_is_down_arrive_once(
    app, client_as, people, db, mailbox, queued_for_a_worker
):
    mailbox.stop()
    proposal = submitted_proposal(client_as, people)
    assert (
        decide(client_as("manager"), proposal, capacity="manager-communications").status_code == 302
    )
    changes = decide(
        client_as("dce_policy"), proposal, "request-changes", comment="Add the Samoan terms."
    )
    assert changes.status_code == 302
    # The three decisions are saved, and their emails wait for a worker.
    proposal = fresh(select(Proposal))[0]
    assert proposal.state == "changes-requested"
    assert len(fresh(select(Signoff))) == 2
    queued = fresh(select(Job).order_by(Job.id))
    assert [(j.kind, j.state, j.attempts) for j in queued] == [("email", "pending", 0)] * 3

    mailbox.start(mailbox.port)
    assert "Ran 3 jobs." in run_worker_once(app).output
    done = fresh(select(Job).order_by(Job.id))
    assert [(j.state, j.attempts) for j in done] == [("done", 1)] * 3
    received = Counter(m["Message-ID"] for m in mailbox.messages)
    assert sorted(received.values()) == [1, 1, 1]  # each email once
    by_id = {m["Message-ID"]: m for m in mailbox.messages}
    assert len(by_id) == 3
    for message in by_id.values():
        job_id = int(re.search(r"registry\.job(\d+)\.", message["Message-ID"]).group(1))
        job = next(j for j in done if j.id == job_id)
        assert sorted(message.recipients) == job.payload["to"]
        assert str(message["Subject"]).strip() == job.payload["subject"]

    assert "Ran 0 jobs." in run_worker_once(app).output
    assert len(mailbox.messages) == 3


def test_a_worker_killed_mid_render_leaves_the_charter_to_the_next(
    client_as, people, db, database_url, queued_for_a_worker, tmp_path
):
    proposal = approved_proposal(client_as, people)
    key = charter_job_key(proposal.id)

    def charter_job() -> Job:
        return fresh(select(Job).where(Job.key == key))[0]

    # The first worker's render waits ten minutes before it starts: it is surely mid-render.
    lease = 3
    first_log = tmp_path / "first-worker.log"
    first = worker(
        process_env(database_url, JOBS_LEASE_SECONDS=lease, CHARTER_RENDER_TEST_DELAY_SECONDS=600),
        first_log,
    )
    try:
        wait_for(lambda: charter_job().state == "running", "the first worker to take the charter")
        render_pid = int(
            wait_for(
                lambda: re.search(r"Rendering a charter in process (\d+)", first_log.read_text()),
                "the first worker to start rendering",
            ).group(1)
        )
        taken_by = charter_job().locked_by
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
    # Its render does not run on for nobody.
    wait_for(lambda: gone(render_pid), "the killed worker's render process to end", 30)
    job = charter_job()
    assert (job.state, job.attempts, job.locked_by) == ("running", 1, taken_by)
    assert fresh(select(Charter)) == []

    second = worker(process_env(database_url, JOBS_LEASE_SECONDS=lease), tmp_path / "second.log")
    try:
        wait_for(lambda: charter_job().state == "done", "the second worker to issue the charter")
    finally:
        assert stop(second) == 0  # SIGTERM: it stops cleanly between jobs
    job = charter_job()
    assert job.attempts == 2 and job.locked_by is None
    (charter,) = fresh(select(Charter))
    assert charter.proposal_id == proposal.id
    assert charter.pdf == regenerate(charter)  # byte for byte a fresh render of what it stored
    issued = select(func.count(AuditEntry.id)).where(AuditEntry.action == "charter-issued")
    assert database.session.scalar(issued) == 1


def test_sigterm_lets_the_worker_finish_the_job_it_is_running(
    client_as, people, db, database_url, queued_for_a_worker, tmp_path
):
    proposal = approved_proposal(client_as, people)
    log = tmp_path / "worker.log"
    # The render waits three seconds before it starts, so the signal lands mid-job.
    running = worker(process_env(database_url, CHARTER_RENDER_TEST_DELAY_SECONDS=3), log)
    try:
        wait_for(lambda: "Rendering a charter in process" in log.read_text(), "a render to start")
        running.send_signal(signal.SIGTERM)
        assert running.wait(timeout=120) == 0
    finally:
        if running.poll() is None:
            running.kill()
    assert "SIGTERM received, stopping after the current job" in log.read_text()
    job = fresh(select(Job).where(Job.key == charter_job_key(proposal.id)))[0]
    assert (job.state, job.attempts) == ("done", 1)
    assert len(fresh(select(Charter))) == 1
    # It stopped after that job: the approval's own email is still waiting for a worker.
    assert [j.state for j in fresh(select(Job).where(Job.kind == "email"))].count("pending") == 1


# --- Two servers and two workers on PostgreSQL -------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def signed_in(base: str, email: str) -> Callable[[str, dict], int]:
    """A browser signed in at ``base``: post(path, form) gives the response's status."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
    )

    def post(path: str, form: dict) -> int:
        data = urllib.parse.urlencode(form).encode()
        try:
            with opener.open(base + path, data, timeout=120) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post("/sign-in", {"email": email, "password": factories.PASSWORD}) == 302
    return post


@pytest.fixture
def servers(database_url: str, mailbox, tmp_path: Path) -> Iterator[tuple[list[str], dict]]:  # noqa: ANN001
    env = process_env(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
    ports = [free_port(), free_port()]
    processes = [
        start(
            ["gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
            env,
            tmp_path / f"server-{port}.log",
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]

    def answers(base: str) -> bool:
        try:
            with urllib.request.urlopen(base + "/sign-in", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    try:
        for base in bases:
            wait_for(lambda base=base: answers(base), f"the server at {base}", 60)
        yield bases, env
    finally:
        for process in processes:
            stop(process)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several workers claiming at once (FOR UPDATE SKIP LOCKED) is the PostgreSQL setup; "
    "SQLite has one writer at a time",
)
def test_two_servers_and_two_workers_share_the_queue(
    client_as, people, db, mailbox, queued_for_a_worker, servers, tmp_path
):
    bases, env = servers
    proposals = [
        submitted_proposal(client_as, people, handle=f"MECShared{n}", channel_name=f"Shared {n}")
        for n in range(4)
    ]
    # Every signatory at once on every proposal, through either server: the Chief Executive
    # and the Acting Chief Executive race for the same capacity.
    attempts = [
        (proposal, role, office)
        for proposal in proposals
        for role, office in (
            ("manager", "manager-communications"),
            ("dce_policy", "dce"),
            ("ce", "chief-executive"),
            ("acting_ce", "chief-executive"),
        )
    ]
    posts = [
        (
            signed_in(bases[n % 2], getattr(people, role).email),
            f"/proposals/{proposal.id}/signoff",
            decision_form(proposal, "approve", capacity=office),
        )
        for n, (proposal, role, office) in enumerate(attempts)
    ]
    workers = [worker(env, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        barrier = threading.Barrier(len(posts))
        statuses: list[int] = []

        def attempt(post, path, form) -> None:  # noqa: ANN001
            barrier.wait()
            statuses.append(post(path, form))

        threads = [threading.Thread(target=attempt, args=post) for post in posts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert Counter(statuses) == Counter({302: 12, 409: 4})

        def all_done() -> bool:
            states = {job.state for job in fresh(select(Job))}
            return states == {"done"} and len(fresh(select(Charter))) == len(proposals)

        wait_for(all_done, "the workers to run every job", 240)
    finally:
        for process in workers:
            assert stop(process) == 0

    for proposal in proposals:
        approvals = fresh(
            select(Signoff).where(Signoff.proposal_id == proposal.id, Signoff.decision == "approve")
        )
        assert sorted(s.office for s in approvals) == [
            "chief-executive",
            "dce",
            "manager-communications",
        ]
        assert database.session.get(Proposal, proposal.id).state == "approved"
    charters = fresh(select(Charter).order_by(Charter.number))
    assert sorted(c.proposal_id for c in charters) == sorted(p.id for p in proposals)
    assert [c.number[-4:] for c in charters] == ["0001", "0002", "0003", "0004"]
    jobs = fresh(select(Job))
    assert all(job.attempts == 1 for job in jobs)  # no job run twice
    assert sum(job.kind == "issue-charter" for job in jobs) == len(proposals)
    emails = {f"registry.job{job.id}." for job in jobs if job.kind == "email"}
    received = Counter(
        re.search(r"registry\.job\d+\.", m["Message-ID"]).group() for m in mailbox.messages
    )
    assert set(received) == emails and set(received.values()) == {1}
    issued = select(func.count(AuditEntry.id)).where(AuditEntry.action == "charter-issued")
    assert database.session.scalar(issued) == len(proposals)
