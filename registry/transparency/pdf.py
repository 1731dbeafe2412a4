"""A version of the transparency statement as PDF/A, from the page's own template, through
the charter renderer: its bundled stylesheet and fonts (every script), its fetcher (nothing
else is reachable) and its render process (killed at ``CHARTER_RENDER_TIMEOUT_SECONDS``).

Rendered by the job queue the first time someone asks for a version's PDF in a language, then
kept (``StatementPdf``): a request never waits on WeasyPrint, and a version no one downloads
costs nothing. The same version renders to the same bytes: the PDF's dates are the version's
and its identifier comes from the version's number, language and snapshot hash.
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, render_template
from sqlalchemy import select

from registry.charters.limits import CharterTooLarge
from registry.charters.render_process import render_in_child
from registry.database import begin_write
from registry.extensions import db
from registry.i18n import PUBLIC_LANGUAGES
from registry.jobs import JobRun, PermanentJobError, enqueue, find
from registry.jobs.models import Job, JobState
from registry.transparency.models import StatementPdf, StatementVersion
from registry.transparency.services import hold_version_lock
from registry.transparency.shown import statement_context

STATEMENT_PDF_JOB = "statement-pdf"
# A statement lists every official channel with its terms of use: more pages than a charter.
MAX_PAGES = 400


def _key(version: StatementVersion, language: str) -> str:
    return f"{STATEMENT_PDF_JOB}:{version.id}:{language}"


def stored_pdf(version: StatementVersion, language: str) -> StatementPdf | None:
    return db.session.scalar(
        select(StatementPdf).where(
            StatementPdf.version_id == version.id, StatementPdf.language == language
        )
    )


def ask_for_pdf(version: StatementVersion, language: str) -> Job:
    """The PDF's job, queued if it is not yet (at most one per version and language, however
    many people ask). A failed one stays failed for an administrator to retry."""
    begin_write()
    hold_version_lock()
    job = find(_key(version, language))
    if job is None:
        job = enqueue(
            STATEMENT_PDF_JOB,
            {"version_id": version.id, "language": language},
            key=_key(version, language),
            max_attempts=current_app.config["CHARTER_MAX_ATTEMPTS"],
        )
    db.session.commit()
    return job


def pdf_failed(job: Job) -> bool:
    return job.state_enum is JobState.FAILED


def pdf_identifier(version: StatementVersion, language: str) -> bytes:
    seed = f"statement\n{version.number}\n{language}\n{version.snapshot_sha256}".encode()
    return hashlib.sha256(seed).hexdigest()[:32].encode("ascii")


def statement_html(version: StatementVersion, language: str) -> str:
    """The PDF's HTML: the public page's statement template, in ``language``, drawn from the
    version's snapshot alone."""
    # A context of its own, so the language chosen here stays here (a worker renders the other
    # language next in the same app context). The version's columns are loaded already.
    snapshot_json, recorded_at, number = version.snapshot_json, version.recorded_at, version.number
    page = current_app.test_request_context("/transparency", query_string={"lang": language})
    with current_app.app_context(), page:
        g.public_page = True  # the page's language, dates and lists, as on the public page
        frozen = StatementVersion(
            number=number, recorded_at=recorded_at, snapshot_json=snapshot_json
        )
        return render_template("transparency/statement_pdf.html", **statement_context(frozen))


def render_pdf(version: StatementVersion, language: str) -> bytes:
    """The version's PDF/A bytes in ``language``; the same every time."""
    return render_in_child(
        statement_html(version, language),
        pdf_identifier(version, language),
        MAX_PAGES,
        current_app.config["CHARTER_RENDER_TIMEOUT_SECONDS"],
    )


def render(job: JobRun) -> None:
    """The job's handler; run twice, it finds the PDF stored and stores no second one."""
    version = db.session.get(StatementVersion, job.payload.get("version_id", 0))
    language = job.payload.get("language", "")
    if version is None or language not in PUBLIC_LANGUAGES:
        raise PermanentJobError("No such version of the statement, or no such language.")
    if stored_pdf(version, language) is not None:
        return
    try:
        pdf = render_pdf(version, language)
    except CharterTooLarge as error:
        raise PermanentJobError(str(error)) from error
    begin_write()
    if stored_pdf(version, language) is None:
        db.session.add(
            StatementPdf(
                version_id=version.id,
                language=language,
                pdf=pdf,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                pdf_size=len(pdf),
            )
        )
    db.session.commit()


def describe(job: Job) -> str:
    version = db.session.get(StatementVersion, job.payload.get("version_id", 0))
    language = PUBLIC_LANGUAGES.get(job.payload.get("language", ""), "?")
    if version is None:
        return "Transparency statement PDF for a version that no longer exists"
    return f"Transparency statement version {version.number} as PDF ({language})"
