"""What the sign-offs package does when a lower package reports a change
(``registry/signals.py``); connected in ``registry.connect_receivers``."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from registry.auth.models import Appointment, User
from registry.auth.offices import agency_today
from registry.errors import RegistryError
from registry.extensions import db
from registry.proposals.access import can_edit
from registry.proposals.models import Proposal
from registry.signoffs import replies, services
from registry.signoffs.forms import ReplyForm
from registry.signoffs.models import Signoff


def refuse_ending_before_last_act(appointment: Appointment, ends_on: date, **_: Any) -> None:
    """An end date before a sign-off given in the office would make the record say the signer
    did not hold it when they signed: history rewritten, not recorded."""
    latest = db.session.scalar(
        select(Signoff.signed_at)
        .where(
            Signoff.signer_id == appointment.user_id,
            Signoff.office == appointment.office,
            Signoff.acting.is_(appointment.acting),
            Signoff.business_unit_id == appointment.business_unit_id
            if appointment.business_unit_id is not None
            else Signoff.business_unit_id.is_(None),
        )
        .order_by(Signoff.signed_at.desc())
        .limit(1)
    )
    if latest is None:
        return
    day = agency_today(latest)
    if appointment.starts_on <= day and day > ends_on:
        raise RegistryError(
            f"{appointment.user.display_name} acted as {appointment.capacity} on "
            f"{day.isoformat()} (a sign-off decision on record): end the appointment on "
            "that day or later.",
            "ends_on",
        )


def void_superseded(
    proposal: Proposal, old_number: int, new_number: int, **_: Any
) -> list[Signoff]:
    """A new revision replaces the one signed: its approvals are void and their signers told."""
    voided = services.void_for_new_revision(proposal, old_number, new_number)
    services.notify_voided(proposal, voided)
    return voided


def refuse_unanswered_resubmission(proposal: Proposal, **_: Any) -> None:
    replies.check_resubmission(proposal)


def tell_signatories(proposal: Proposal, **_: Any) -> None:
    services.notify_submitted(proposal)


def approvals_at_stake(proposal: Proposal, **_: Any) -> list[tuple[str, str]]:
    """Who signed off the revision being edited, and as what: a saved change voids them."""
    return [(s.signer.display_name, s.capacity) for s in services.live_approvals(proposal)]


def proposal_page(
    proposal: Proposal, actor: User, reply_form: ReplyForm | None = None, **_: Any
) -> dict[str, Any]:
    """The sign-offs, the requests for changes and their replies, and what ``actor`` may
    decide, for the proposal page; ``signoff_facts`` feeds its policy report."""
    # Every decision once; the live approvals and the open request are read off it.
    history = services.history(proposal)
    approvals = services.live_among(proposal, history)
    open_request = replies.open_change_request(proposal, history)
    may_reply = open_request is not None and can_edit(actor, proposal)
    return {
        "approvals": approvals,
        "signoff_facts": services.signoff_facts(approvals)
        if proposal.current_revision.submitted
        else None,
        "replies": replies.replies_by_request(proposal),
        "open_request": open_request,
        "reply_form": (reply_form or ReplyForm()) if may_reply else None,
        # A reply refused because the request closed meanwhile: shown to copy, not dropped.
        "refused_reply": reply_form if reply_form is not None and reply_form.form_errors else None,
        "history": history,
        "offices": [(o, services.office_title(o, proposal)) for o in services.SIGNING_OFFICES],
        "can_decide": bool(services.position(actor, proposal, approvals).approve_as)
        or bool(services.capacities(actor, proposal))
        and proposal.proposer_id != actor.id,
    }
