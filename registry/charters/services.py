"""Schedule, issue, store, regenerate and verify charters."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import date, datetime, time
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from registry.addresses import absolute
from registry.audit.log import record
from registry.auth.models import User
from registry.charters.document import CharterDocument, ComplianceRow, SignoffRow
from registry.charters.limits import CharterRenderError
from registry.charters.models import Charter, CharterSequence
from registry.charters.render import render_charter_pdf
from registry.database import begin_write
from registry.elections.services import election_period_on
from registry.errors import ConflictError
from registry.extensions import db
from registry.policy.content import WEEKDAYS
from registry.policy.hours import format_time
from registry.policy.rules import failing
from registry.proposals import policy_view as proposal_policy
from registry.proposals import presenters
from registry.proposals import services as proposal_services
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs import services as signoffs
from registry.timeutil import add_months, format_date, format_local, local_date


class CharterNotIssuable(ConflictError):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def charter_for(proposal: Proposal) -> Charter | None:
    return db.session.scalar(select(Charter).where(Charter.proposal_id == proposal.id))


def charters_for(proposal_ids: list[int]) -> dict[int, Charter]:
    """Each of the proposals' charters, by proposal id (one statement for a whole list)."""
    if not proposal_ids:
        return {}
    found = db.session.scalars(select(Charter).where(Charter.proposal_id.in_(proposal_ids)))
    return {charter.proposal_id: charter for charter in found}


_NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")


def find(number: str) -> Charter | None:
    if not number or not _NUMBER.fullmatch(number.strip()):
        return None
    return db.session.scalar(select(Charter).where(Charter.number == number.strip().upper()))


def review_due(approved_at: datetime) -> date:
    config = current_app.config
    return add_months(
        local_date(approved_at, config["AGENCY_TIMEZONE"]), config["REVIEW_INTERVAL_MONTHS"]
    )


def verify_url(number: str) -> str:
    return absolute(f"/charters/{number}/verify")


def _number_text(year: int, sequence: int) -> str:
    return f"{current_app.config['AGENCY_SHORT_NAME']}-CH-{year}-{sequence:04d}"


def _peek_sequence(year: int) -> int:
    """The sequence number the next charter of ``year`` will get, if nobody takes it first."""
    last = db.session.scalar(
        select(CharterSequence.last_number).where(CharterSequence.year == year)
    )
    return (last or 0) + 1


def _next_number(year: int) -> tuple[int, str]:
    """Allocate the next number for ``year`` under a lock; rolled back with the charter."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(CharterSequence).values(year=year, last_number=0).on_conflict_do_nothing()
    )
    query = select(CharterSequence).where(CharterSequence.year == year)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update()
    sequence = db.session.scalars(query.execution_options(populate_existing=True)).one()
    sequence.last_number += 1
    return sequence.last_number, _number_text(year, sequence.last_number)


def build_document(proposal: Proposal, number: str) -> CharterDocument:
    config = current_app.config
    tz = config["AGENCY_TIMEZONE"]
    revision = proposal.current_revision
    content = revision.content
    approvals = signoffs.live_approvals(proposal)
    report = proposal_policy.policy_report(
        content, proposal.proposer, signoffs.signoff_facts(approvals)
    )
    names = presenters.Names(content)

    def shown(key: str) -> Any:
        return names.display(key, content)

    hours = tuple(
        (
            WEEKDAYS[window["weekday"]],
            format_time(time.fromisoformat(window["starts"])),
            format_time(time.fromisoformat(window["ends"])),
        )
        for window in content.get("monitoring_windows", [])
    )
    approved_at = proposal.approved_at
    due = review_due(approved_at)
    period = election_period_on(local_date(approved_at, tz))
    notes = ()
    if period is not None:
        notes = (
            f"Approved during the election period “{period.name}” ({format_date(period.starts_on)}"
            f" to {format_date(period.ends_on)}): likes, follows, shares and posts must stay "
            "politically neutral, following the general election guidance.",
        )
    order = {office.value: index for index, office in enumerate(signoffs.SIGNING_OFFICES)}
    return CharterDocument(
        agency_name=config["AGENCY_NAME"],
        agency_te_reo_name=config["AGENCY_TE_REO_NAME"],
        agency_domain=config["AGENCY_DOMAIN"],
        charter_number=number,
        approved_at=approved_at,
        approved_at_local=format_local(approved_at, tz),
        channel_name=content.get("channel_name", ""),
        platform=shown("platform"),
        handle=content.get("handle", ""),
        channel_url=content.get("channel_url", ""),
        business_unit=proposal.business_unit.name,
        purpose=content.get("purpose", ""),
        audience=content.get("audience", ""),
        languages=tuple(shown("languages")),
        terms_of_use=content.get("terms_of_use", ""),
        monitoring_hours=hours,
        out_of_hours_message=content.get("out_of_hours_message", ""),
        profile_statement=content.get("profile_statement", ""),
        profile_links=tuple(content.get("profile_links", [])),
        related_channels=tuple(shown("related_channel_ids")),
        no_related_reason=content.get("no_related_reason", ""),
        liaison=shown("liaison_id"),
        spokespeople=tuple(shown("spokespeople_ids")),
        peer_reviewers=tuple(shown("peer_reviewer_ids")),
        information_contact=shown("information_contact_id"),
        compliance=tuple(
            ComplianceRow(
                rule_id=result.rule.id,
                title=result.rule.title,
                heading=result.rule.heading,
                clause=result.rule.clause,
                passed=result.passed,
                messages=tuple(f.message for f in result.findings),
            )
            for result in report
        ),
        signoffs=tuple(
            SignoffRow(
                name=s.signer.display_name,
                capacity=s.capacity,
                acting=s.acting,
                signed_at=format_local(s.signed_at, tz),
            )
            for s in sorted(approvals, key=lambda s: order[s.office])
        ),
        revision_number=revision.number,
        content_sha256=revision.content_sha256,
        review_due=due,
        review_due_text=format_date(due),
        verify_url=verify_url(number),
        notes=notes,
    )


def document_to_json(document: CharterDocument) -> str:
    def encode(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value.isoformat()
        raise TypeError(type(value))

    return json.dumps(
        dataclasses.asdict(document), default=encode, ensure_ascii=False, sort_keys=True
    )


def document_from_json(text: str) -> CharterDocument:
    raw = json.loads(text)
    raw["approved_at"] = datetime.fromisoformat(raw["approved_at"])
    raw["review_due"] = date.fromisoformat(raw["review_due"])
    raw["compliance"] = tuple(
        ComplianceRow(**{**row, "messages": tuple(row["messages"])}) for row in raw["compliance"]
    )
    raw["signoffs"] = tuple(SignoffRow(**row) for row in raw["signoffs"])
    raw["monitoring_hours"] = tuple(tuple(row) for row in raw["monitoring_hours"])
    for key in (
        "languages",
        "profile_links",
        "related_channels",
        "spokespeople",
        "peer_reviewers",
        "notes",
    ):
        raw[key] = tuple(raw.get(key, ()))
    return CharterDocument(**raw)


# Two workers issuing charters at once may both render with the same next number; the one
# that stores second renders again with the next. Beyond this many tries, the job tries later.
_NUMBER_TRIES = 5


def _issuable(proposal: Proposal) -> Charter | None:
    """The proposal's charter if it has one; None if one may be issued now; or
    CharterNotIssuable (not approved, or a rule fails with its three sign-offs)."""
    if proposal.state_enum is not ProposalState.APPROVED:
        raise CharterNotIssuable(f"{proposal.title} is not approved, so it has no charter.")
    existing = charter_for(proposal)
    if existing is not None:
        return existing
    approvals = signoffs.live_approvals(proposal)
    report = proposal_policy.policy_report(
        proposal.current_revision.content, proposal.proposer, signoffs.signoff_facts(approvals)
    )
    if failing(report):
        ids = ", ".join(r.rule.id for r in failing(report))
        raise CharterNotIssuable(f"No charter while these rules fail: {ids}.")
    return None


def _render(document: CharterDocument) -> bytes:
    config = current_app.config
    return render_charter_pdf(
        document,
        timeout=config["CHARTER_RENDER_TIMEOUT_SECONDS"],
        hold_seconds=config.get("CHARTER_RENDER_TEST_DELAY_SECONDS", 0.0)
        if config["TESTING"]
        else 0.0,
    )


def issue_charter(proposal_id: int, actor: User | None = None) -> Charter:
    """Render and store the charter of an approved proposal (idempotent: a second call returns
    the charter the first stored).

    The render runs with no transaction open, so a slow one holds no lock anyone waits on: it
    prints the number that is next when it starts, and is stored only if that number is still
    next when it ends. Nothing is stored unless every rule passes with all three sign-offs on
    the approved revision. If rendering fails, nothing is stored (no number is used up), the
    failure is audited and raised; the proposal stays approved with its charter pending.
    """
    for _ in range(_NUMBER_TRIES):
        db.session.commit()  # read what is committed now
        proposal = db.session.get(Proposal, proposal_id)
        if proposal is None:
            raise CharterNotIssuable("That proposal does not exist.")
        existing = _issuable(proposal)
        if existing is not None:
            return existing
        reference = proposal.reference
        year = local_date(proposal.approved_at, current_app.config["AGENCY_TIMEZONE"]).year
        document = build_document(proposal, _number_text(year, _peek_sequence(year)))
        db.session.rollback()  # nothing written: end the read before the render
        try:
            pdf = _render(document)
        except CharterRenderError as error:
            current_app.logger.warning("Charter for %s failed to render: %s", reference, error)
            begin_write()
            record(
                "charter-failed",
                "proposal",
                reference,
                actor=actor,
                error=f"{type(error).__name__}: {error}"[:500],
            )
            db.session.commit()
            raise
        charter = _store(proposal_id, year, document, pdf, actor)
        if charter is not None:
            return charter
    raise CharterRenderError("Charter numbers kept being taken while this one rendered.")


def _store(
    proposal_id: int, year: int, document: CharterDocument, pdf: bytes, actor: User | None
) -> Charter | None:
    """Store the rendered charter under its number, or None if the number was taken meanwhile
    (render again with the next one)."""
    begin_write()
    proposal = proposal_services.locked(proposal_id)
    existing = _issuable(proposal)
    if existing is not None:  # issued by another worker while this one rendered
        db.session.rollback()
        return existing
    sequence, number = _next_number(year)
    if number != document.charter_number:
        db.session.rollback()
        return None
    charter = Charter(
        number=number,
        year=year,
        sequence=sequence,
        proposal_id=proposal.id,
        revision_number=document.revision_number,
        content_sha256=document.content_sha256,
        document_json=document_to_json(document),
        pdf=pdf,
        pdf_sha256=sha256(pdf),
        pdf_size=len(pdf),
    )
    db.session.add(charter)
    record(
        "charter-issued",
        "charter",
        number,
        actor=actor,
        proposal=proposal.reference,
        revision=document.revision_number,
        pdf_sha256=charter.pdf_sha256,
    )
    db.session.commit()
    return charter


def regenerate(charter: Charter) -> bytes:
    """Render the stored document again: the same bytes prove the charter is reproducible.
    An operator's explicit check, so it runs now (bounded like every render), not as a job."""
    return render_charter_pdf(
        document_from_json(charter.document_json),
        timeout=current_app.config["CHARTER_RENDER_TIMEOUT_SECONDS"],
    )
