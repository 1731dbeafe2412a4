"""Charters through the HTTP client and CLI: issued on the third sign-off, read back, verified."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from registry.audit.models import AuditEntry
from registry.charters.jobs import charter_job_key
from registry.charters.models import Charter
from registry.jobs import find, requeue
from registry.proposals.models import ProposalState
from registry.timeutil import utcnow
from tests.conftest import run_isolated, run_worker_once
from tests.workflow import approved_proposal, decide, submitted_proposal


def charter_job(proposal):  # noqa: ANN001, ANN201
    return find(charter_job_key(proposal.id))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_third_signoff_issues_a_charter_that_reads_back(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    charter = db.session.scalar(select(Charter))
    year = utcnow().year
    assert charter.number in (f"MEC-CH-{year}-0001", f"MEC-CH-{year + 1}-0001")
    page = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Download charter (PDF)" in page and charter.number in page

    response = client_as("staff_policy").get(f"/charters/{charter.number}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Charter-SHA256"] == charter.pdf_sha256
    text = pdf_text(response.data)
    for expected in (
        charter.number,
        "Te Tari Mātāwaka",
        "Ministry for Ethnic Communities",
        "Hemi Walker",
        "Manager Communications",
        "Daniel Chen",
        "Deputy Chief Executive, Policy",
        "Priya Sharma",
        "Chief Executive",
        "8:30am",
        "5:00pm",
        proposal.current_revision.content_sha256[:16],
        *[
            f"SMP-{rule}"
            for rule in (
                "APPROVALS",
                "TERMS",
                "HOURS",
                "SUPPORTED-BY",
                "WEBSITE-LINK",
                "RELATED-LINKS",
                "COMMS",
                "SPOKESPEOPLE",
                "PEER-REVIEW",
                "OIA",
                "NEUTRAL",
            )
        ],
    ):
        assert expected in text, expected
    assert 1 < len(PdfReader(io.BytesIO(response.data)).pages) <= 8


def test_an_acting_signatory_is_shown_as_acting(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    for role, office in (
        ("manager", "manager-communications"),
        ("dce_policy", "dce"),
        ("acting_ce", "chief-executive"),
    ):
        decide(client_as(role), proposal, capacity=office)
    charter = db.session.scalar(select(Charter))
    assert "Acting Chief Executive" in pdf_text(charter.pdf)


def test_numbers_are_sequential(client_as, people, db):
    approved_proposal(client_as, people)
    approved_proposal(client_as, people, handle="MECSecond", channel_name="Second")
    numbers = db.session.scalars(select(Charter.number).order_by(Charter.id)).all()
    assert [n[-4:] for n in numbers] == ["0001", "0002"]


def test_regenerate_renders_identical_bytes_and_out_writes_the_file(
    app, client_as, people, db, tmp_path
):
    approved_proposal(client_as, people)
    charter = db.session.scalar(select(Charter))
    runner = app.test_cli_runner()
    again = run_isolated(
        runner.invoke, args=["registry", "charter", "--regenerate", charter.number]
    )
    assert again.exit_code == 0, again.output
    assert f"Charter {charter.number} renders to identical bytes." in again.output
    out = tmp_path / "charter.pdf"
    written = run_isolated(
        runner.invoke, args=["registry", "charter", charter.number, "--out", str(out)]
    )
    assert written.exit_code == 0, written.output
    assert out.read_bytes() == charter.pdf
    missing = run_isolated(
        runner.invoke, args=["registry", "charter", "MEC-CH-1999-0001", "--out", str(out)]
    )
    assert missing.exit_code == 1 and "No charter has the number" in missing.output


def test_verify_page_accepts_the_real_file_and_spots_a_tampered_one(client, client_as, people, db):
    approved_proposal(client_as, people)
    charter = db.session.scalar(select(Charter))
    page = client.get(f"/charters/{charter.number}/verify")  # no sign-in needed
    assert page.status_code == 200
    assert charter.pdf_sha256 in page.get_data(as_text=True)
    good = client.post(
        f"/charters/{charter.number}/verify",
        data={"charter_pdf": (io.BytesIO(charter.pdf), "charter.pdf")},
        content_type="multipart/form-data",
    )
    assert "The file matches." in good.get_data(as_text=True)
    tampered_bytes = (
        charter.pdf.replace(b"Hemi Walker", b"Hemi Walkex")
        if b"Hemi Walker" in charter.pdf
        else charter.pdf[:-10] + b"0000000000"
    )
    bad = client.post(
        f"/charters/{charter.number}/verify",
        data={"charter_pdf": (io.BytesIO(tampered_bytes), "charter.pdf")},
        content_type="multipart/form-data",
    )
    assert "The file does not match." in bad.get_data(as_text=True)
    empty = client.post(
        f"/charters/{charter.number}/verify", data={}, content_type="multipart/form-data"
    )
    assert "Choose the charter PDF file to check." in empty.get_data(as_text=True)
    unknown = client.get("/charters/MEC-CH-1999-0042/verify")
    assert unknown.status_code == 404
    assert "No charter has the number MEC-CH-1999-0042" in unknown.get_data(as_text=True)


def test_an_oversized_upload_gets_413_with_a_page(client, client_as, people, app, db):
    approved_proposal(client_as, people)
    charter = db.session.scalar(select(Charter))
    huge = io.BytesIO(b"%PDF" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10))
    response = client.post(
        f"/charters/{charter.number}/verify",
        data={"charter_pdf": (huge, "big.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "The upload is too large" in response.get_data(as_text=True)


def test_only_people_who_may_see_the_channel_download_it(client_as, people, client, db):
    approved_proposal(client_as, people)
    charter = db.session.scalar(select(Charter))
    assert client_as("staff_community").get(f"/charters/{charter.number}.pdf").status_code == 404
    assert client_as("comms").get(f"/charters/{charter.number}.pdf").status_code == 200
    assert client.get(f"/charters/{charter.number}.pdf").status_code == 302  # sign in first


def test_a_failed_render_leaves_charter_pending_then_retry_works(app, client_as, people, db):
    saved = app.config["CHARTER_RENDER_TIMEOUT_SECONDS"], app.config["CHARTER_MAX_ATTEMPTS"]
    app.config["CHARTER_RENDER_TIMEOUT_SECONDS"] = 0.001  # the real guard trips
    app.config["CHARTER_MAX_ATTEMPTS"] = 1  # and the job has no later attempt: failed now
    try:
        proposal = approved_proposal(client_as, people)
    finally:
        app.config["CHARTER_RENDER_TIMEOUT_SECONDS"], app.config["CHARTER_MAX_ATTEMPTS"] = saved
    assert proposal.state_enum is ProposalState.APPROVED  # the decision is not lost
    assert db.session.scalar(select(Charter)) is None
    failure = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "charter-failed"))
    assert failure is not None and "CharterRenderTimeout" in failure.summary
    job = charter_job(proposal)
    assert job.state == "failed" and "longer than 0.001 s" in job.last_error
    page = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Approved — charter pending." in page and "Try the charter again" not in page
    assert "longer than 0.001 s" not in page  # the error is for the Communications team
    comms = client_as("comms")
    page = comms.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Try the charter again" in page
    assert "Producing the charter failed." in page and "longer than 0.001 s" in page
    assert client_as("staff_policy").post(f"/charters/retry/{proposal.id}").status_code == 403
    retried = comms.post(f"/charters/retry/{proposal.id}", follow_redirects=True)
    assert "The charter is being prepared again." in retried.get_data(as_text=True)
    charter = db.session.scalar(select(Charter))
    assert charter is not None and charter.number.endswith("-0001")  # no number was used up
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "charter-retry-requested")
        ).actor_id
        == people.comms.id
    )
    again = comms.post(f"/charters/retry/{proposal.id}", follow_redirects=True)
    assert f"Charter {charter.number} is already issued." in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Charter.id))) == 1


def test_the_charter_is_being_prepared_until_a_worker_renders_it(
    app, client_as, people, db, queued_for_a_worker
):
    proposal = approved_proposal(client_as, people)
    assert db.session.scalar(select(Charter)) is None
    assert charter_job(proposal).state == "pending"  # committed with the approval
    for role in ("staff_policy", "comms"):
        page = client_as(role).get(f"/proposals/{proposal.id}").get_data(as_text=True)
        assert "Approved — charter being prepared." in page
        assert "charter pending" not in page and "Try the charter again" not in page
    # The charter, and the emails: submitted, two sign-offs, approved.
    assert "Ran 5 jobs." in run_worker_once(app).output
    charter = db.session.scalar(select(Charter))
    page = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert charter.number in page and "Download charter (PDF)" in page
    assert "being prepared" not in page


def test_a_charter_job_run_twice_stores_one_charter(app, client_as, people, db):
    proposal = approved_proposal(client_as, people)
    first = db.session.scalar(select(Charter))
    job = charter_job(proposal)
    assert job.state == "done" and job.attempts == 1
    # As if the worker had stopped after storing the charter, before recording the job done.
    requeue(job)
    db.session.commit()
    assert "Ran 1 job." in run_worker_once(app).output
    db.session.expire_all()
    assert [c.number for c in db.session.scalars(select(Charter))] == [first.number]
    issued = select(func.count(AuditEntry.id)).where(AuditEntry.action == "charter-issued")
    assert db.session.scalar(issued) == 1
    assert charter_job(proposal).state == "done"


@pytest.mark.parametrize("field", ["purpose", "terms_of_use"])
def test_hostile_text_is_printed_not_obeyed(client_as, people, db, field):
    hostile = (
        '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> {{7*7}}'
    )
    overrides = {
        field: hostile
        + (
            " " + "We monitor this page Monday to Friday, 8:30am to 5:00pm NZ time."
            if field == "terms_of_use"
            else ""
        )
    }
    approved_proposal(client_as, people, **overrides)
    charter = db.session.scalar(select(Charter))
    reader = PdfReader(io.BytesIO(charter.pdf))
    text = pdf_text(charter.pdf)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")
    assert "{{7*7}}" in text
    assert "root:x:0:0" not in text
    assert reader.attachments == {}
    assert b"/EmbeddedFiles" not in charter.pdf
