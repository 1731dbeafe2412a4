"""The promises the registry makes, as plain checks over the database and the public pages.

Each check returns a list of Violations (empty when the promise holds), so a state machine,
an ordinary test or a one-off script can call it and print what broke. Call them inside an
app context; checks that read a page take a test client.

A promise that does not hold yet, because its fix is still to come, is listed in
PENDING_FIXES (or UNASSIGNED_FINDINGS): its violations are still computed
(``check_all(..., include_pending=True)`` shows them, ``OBSERVED_PENDING`` counts them) but
they do not fail a run until the key is removed from the set.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from registry.audit.log import verify_chain
from registry.audit.models import AuditEntry
from registry.auth.models import Appointment, Office, User
from registry.channels.models import Channel
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import SIGNING_OFFICES, Signoff
from registry.signoffs.services import live_approvals
from registry.timeutil import local_date
from tests.stateful.closing_invariants import (
    channel_states,
    closing_checklists_hold,
    lifecycle_moves_forward,
)
from tests.stateful.public_invariants import (
    charter_statuses_match,
    lookup_vouches_only_for_ours,
    register_matches,
    register_rows,
    statement_matches,
)
from tests.stateful.violation import Violation

# Re-exported: the machines and tests reach every check through this module.
__all__ = [
    "Violation",
    "channel_states",
    "charter_statuses_match",
    "check_all",
    "closing_checklists_hold",
    "lifecycle_moves_forward",
    "lookup_vouches_only_for_ours",
    "register_matches",
    "register_rows",
    "statement_matches",
]

# Promises whose fix is not in this code yet. Remove a key once its fix has landed.
PENDING_FIXES: set[str] = set()

# Promises found broken here whose fix is still under way elsewhere. Skipped like
# PENDING_FIXES, listed apart so nobody mistakes them for done.
UNASSIGNED_FINDINGS: set[str] = set()


def skipped() -> set[str]:
    return PENDING_FIXES | UNASSIGNED_FINDINGS


# How often each pending promise was seen broken in this process: the machines print it, so
# a run says what the pending fixes have to mend.
OBSERVED_PENDING: Counter[str] = Counter()
FIRST_SEEN: dict[str, str] = {}


def _tz() -> str:
    return current_app.config["AGENCY_TIMEZONE"]


# --- who made an appointment ------------------------------------------------------------


def appointment_made_by(appointment_id: int) -> set[int]:
    """Everyone who had a hand in making the appointment: the administrator who asked for it
    and the one who confirmed it (one and the same for Communications team membership).

    An appointment made at the operator's door (CLI, fixtures) has neither.
    """
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        return set()
    return {
        who for who in (appointment.requested_by_id, appointment.confirmed_by_id) if who is not None
    }


def _signing_appointments(signoff: Signoff, proposal: Proposal) -> list[Appointment]:
    """The signer's appointments in force (confirmed, never cancelled) to the sign-off's office
    covering the NZ day it was given. A pending or cancelled request gives no power."""
    day = local_date(signoff.signed_at, _tz())
    query = sa.select(Appointment).where(
        Appointment.confirmed_at.is_not(None),
        Appointment.confirmed_at <= signoff.signed_at,
        Appointment.cancelled_at.is_(None),
        Appointment.user_id == signoff.signer_id,
        Appointment.office == signoff.office,
        Appointment.acting == signoff.acting,
        Appointment.starts_on <= day,
        sa.or_(Appointment.ends_on.is_(None), Appointment.ends_on >= day),
    )
    if signoff.office == Office.DCE.value:
        query = query.where(Appointment.business_unit_id == proposal.business_unit_id)
    return list(db.session.scalars(query).unique())


def _ended_after_signing(signoff: Signoff) -> bool:
    """Whether one of the signer's appointments to that office was ended, after the signing,
    on a date before it: the record of who held the office then was rewritten."""
    day = local_date(signoff.signed_at, _tz())
    ids = db.session.scalars(
        sa.select(Appointment.id).where(
            Appointment.user_id == signoff.signer_id,
            Appointment.office == signoff.office,
            Appointment.starts_on <= day,
            Appointment.ends_on < day,
        )
    ).all()
    if not ids:
        return False
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "appointment-ended",
                AuditEntry.object_id.in_([str(i) for i in ids]),
                AuditEntry.occurred_at > signoff.signed_at,
            )
        )
        > 0
    )


# --- the checks -------------------------------------------------------------------------


def approvals_hold() -> list[Violation]:
    """Every approved revision: three live approvals from three different people, none the
    proposer, each holding that office (of the proposing unit, for a DCE) on the NZ day of
    signing, none through an appointment they made themselves."""
    found: list[Violation] = []
    approved = db.session.scalars(
        sa.select(Proposal).where(Proposal.state == ProposalState.APPROVED.value)
    ).unique()
    for proposal in approved:
        where = f"{proposal.reference} (revision {proposal.current_revision.number})"
        approvals = live_approvals(proposal)
        offices = sorted(s.office for s in approvals)
        signers = [s.signer_id for s in approvals]
        if len(approvals) != 3 or set(offices) != {o.value for o in SIGNING_OFFICES}:
            found.append(
                Violation("three-approvals", f"{where} is approved with sign-offs {offices}.")
            )
        if len(set(signers)) != len(signers):
            found.append(
                Violation("three-approvals", f"{where}: one person gave two sign-offs {signers}.")
            )
        if proposal.proposer_id in signers:
            found.append(Violation("three-approvals", f"{where}: the proposer signed it off."))
        if not proposal.current_revision.submitted:
            found.append(Violation("three-approvals", f"{where}: approved revision not submitted."))
        for signoff in approvals:
            who = f"{where}: {signoff.signer.email} signing as {signoff.capacity}"
            if signoff.office == Office.DCE.value and (
                signoff.business_unit_id != proposal.business_unit_id
            ):
                found.append(Violation("held-office", f"{who} is a DCE of another unit."))
            held = _signing_appointments(signoff, proposal)
            if not held:
                key = (
                    "retroactive-appointment-end"
                    if _ended_after_signing(signoff)
                    else "held-office"
                )
                found.append(
                    Violation(key, f"{who} held no such appointment on the day of signing.")
                )
            elif all(signoff.signer_id in appointment_made_by(a.id) for a in held):
                found.append(
                    Violation(
                        "self-appointment",
                        f"{who} holds it through an appointment they requested or confirmed.",
                    )
                )
    return found


def _held_on(user_id: int, office: Office, day: date, unit_id: int | None = None) -> bool:
    """An appointment confirmed by someone other than ``user_id`` put them in ``office`` on
    ``day`` (the DCE of ``unit_id``)."""
    query = sa.select(Appointment).where(
        Appointment.user_id == user_id,
        Appointment.office == office.value,
        Appointment.confirmed_at.is_not(None),
        Appointment.starts_on <= day,
        sa.or_(Appointment.ends_on.is_(None), Appointment.ends_on >= day),
    )
    if unit_id is not None:
        query = query.where(Appointment.business_unit_id == unit_id)
    return db.session.scalars(query).first() is not None


def recertifications_attested() -> list[Violation]:
    """A channel's review_due moves on by recertification only after two different people
    attested in that cycle, one as the business unit's owner and one as the liaison, each in
    a capacity they held that day; each cycle recertifies at most once.

    Counted three ways that must agree, per channel: the "channel-recertified" audit entries,
    the recertified reviews naming both attesters, and the cycles with both attestations (all
    of them before the channel's current cycle)."""
    from registry.inventory.attestation_models import ReviewAttestation
    from registry.inventory.models import ChannelReview

    found: list[Violation] = []
    by_cycle: dict[tuple[int, int], list[ReviewAttestation]] = {}
    for row in db.session.scalars(sa.select(ReviewAttestation)).unique():
        by_cycle.setdefault((row.channel_id, row.cycle), []).append(row)
    complete: Counter[int] = Counter()
    for (channel_id, cycle), rows in by_cycle.items():
        channel = db.session.get(Channel, channel_id)
        where = f"{channel.reference} cycle {cycle}"
        roles = sorted(r.role for r in rows)
        people = [r.attester_id for r in rows]
        if len(set(people)) != len(people) or len(set(roles)) != len(roles):
            found.append(Violation("two-attesters", f"{where}: attestations {roles} by {people}."))
        if roles == ["liaison", "owner"]:
            complete[channel_id] += 1
            if cycle >= channel.review_cycle:
                found.append(
                    Violation("two-attesters", f"{where}: both attested, yet not recertified.")
                )
        for row in rows:
            day = local_date(row.attested_at, _tz())
            who = f"{where}: {row.attester_id} attesting as {row.capacity}"
            if row.capacity.startswith("Proposer of "):
                proposal = db.session.get(Proposal, channel.proposal_id or 0)
                held = row.role == "owner" and proposal and proposal.proposer_id == row.attester_id
            elif row.capacity == "Communications liaison":
                # The channel's liaison then; a change approved since may name another.
                held = row.role == "liaison"
            elif row.role == "owner":
                held = _held_on(row.attester_id, Office.DCE, day, channel.business_unit_id)
            else:
                held = _held_on(row.attester_id, Office.COMMUNICATIONS_TEAM, day)
            if not held:
                found.append(Violation("attester-capacity", f"{who}, a capacity not held."))
    reviews = Counter(
        db.session.scalars(
            sa.select(ChannelReview.channel_id).where(
                ChannelReview.outcome == "recertified",
                ChannelReview.owner_attester_id.is_not(None),
                ChannelReview.liaison_attester_id.is_not(None),
                ChannelReview.owner_attester_id != ChannelReview.liaison_attester_id,
            )
        )
    )
    audited = Counter(
        int(object_id)
        for object_id in db.session.scalars(
            sa.select(AuditEntry.object_id).where(AuditEntry.action == "channel-recertified")
        )
    )
    for channel_id in set(complete) | set(reviews) | set(audited):
        counts = (audited[channel_id], reviews[channel_id], complete[channel_id])
        if len(set(counts)) != 1:
            found.append(
                Violation(
                    "two-attesters",
                    f"channel {channel_id}: recertified {counts[0]} times (audit), "
                    f"{counts[1]} reviews naming two attesters, {counts[2]} attested cycles.",
                )
            )
    return found


def no_self_appointments() -> list[Violation]:
    """Nobody changes their own offices: no appointment was requested, confirmed or recorded
    in force by its holder, and none that needs a second administrator was confirmed by the
    one who asked for it."""
    found = []
    for appointment in db.session.scalars(sa.select(Appointment).order_by(Appointment.id)).unique():
        makers = appointment_made_by(appointment.id)
        if appointment.user_id in makers:
            found.append(
                Violation(
                    "self-appointment",
                    f"{appointment.user.email} had a hand in their own appointment as "
                    f"{appointment.capacity} (appointment {appointment.id}).",
                )
            )
        if (
            appointment.office_enum.needs_second_admin
            and appointment.in_force
            and appointment.requested_by_id is not None
            and appointment.confirmed_by_id == appointment.requested_by_id
        ):
            found.append(
                Violation(
                    "self-appointment",
                    f"appointment {appointment.id} ({appointment.capacity}) was requested and "
                    "confirmed by one administrator.",
                )
            )
    rows = db.session.execute(
        sa.select(AuditEntry.actor_id, AuditEntry.object_id, AuditEntry.summary).where(
            AuditEntry.action.in_(("appointment-made", "appointment-requested")),
            AuditEntry.actor_id.is_not(None),
        )
    )
    for actor_id, object_id, summary in rows:
        appointment = db.session.get(Appointment, int(object_id))
        if appointment is not None and appointment.user_id == actor_id:
            capacity = json.loads(summary).get("after", {}).get("capacity")
            found.append(
                Violation(
                    "self-appointment",
                    f"{appointment.user.email} appointed themselves {capacity} "
                    f"(appointment {object_id}).",
                )
            )
    return found


def audit_chain_intact() -> list[Violation]:
    checked, broken = verify_chain()
    if broken is None:
        return []
    return [Violation("audit-chain", f"row {broken.entry_id}: {broken.reason} ({checked} read)")]


def inactive_cannot_authenticate(
    sessions: dict[int, Any], tokens: dict[int, str], deactivated_since_issue: Iterable[int]
) -> list[Violation]:
    """No inactive person's session or API token works; nor does one issued before a
    deactivation, once they are reactivated (they must sign in again / get a new token)."""
    found = []
    since = set(deactivated_since_issue)
    db.session.expire_all()
    for user_id in sorted(set(sessions) | set(tokens)):
        user = db.session.get(User, user_id)
        if user.is_active_account and user_id not in since:
            continue
        session_key = (
            "inactive-session" if not user.is_active_account else "session-survives-deactivation"
        )
        token_key = (
            "inactive-token" if not user.is_active_account else "token-survives-deactivation"
        )
        client = sessions.get(user_id)
        if client is not None:
            response = client.get("/proposals/")
            if response.status_code == 200:
                found.append(Violation(session_key, f"{user.email}'s old session still works."))
        token = tokens.get(user_id)
        if token is not None and client is not None:
            response = client.get("/api/v1/channels", headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 401:
                found.append(
                    Violation(
                        token_key, f"{user.email}'s old API token answered {response.status_code}."
                    )
                )
    return found


def failing(found: Iterable[Violation], include_pending: bool = False) -> list[Violation]:
    """``found`` less the skipped promises (counted in OBSERVED_PENDING as they pass by)."""
    found = list(found)
    for violation in found:
        if violation.invariant in skipped():
            OBSERVED_PENDING[violation.invariant] += 1
            FIRST_SEEN.setdefault(violation.invariant, violation.message)
    if include_pending:
        return found
    return [v for v in found if v.invariant not in skipped()]


def check_all(
    client: Any,
    sessions: dict[int, Any] | None = None,
    tokens: dict[int, str] | None = None,
    deactivated_since_issue: Iterable[int] = (),
    include_pending: bool = False,
    statement_versions: dict[int, str] | None = None,
) -> list[Violation]:
    """Every invariant; skipped ones (PENDING_FIXES...) left out unless ``include_pending``."""
    # Their own modules; they are handed Violation rather than import it from here.
    from tests.stateful.federation_invariants import ours_come_first
    from tests.stateful.open_data_invariants import open_data_matches

    return failing(
        [
            *approvals_hold(),
            *no_self_appointments(),
            *recertifications_attested(),
            *register_matches(client),
            *statement_matches(client, {} if statement_versions is None else statement_versions),
            *lookup_vouches_only_for_ours(),
            *open_data_matches(client, Violation),
            *ours_come_first(Violation),
            *charter_statuses_match(client),
            *closing_checklists_hold(),
            *audit_chain_intact(),
            *inactive_cannot_authenticate(sessions or {}, tokens or {}, deactivated_since_issue),
        ],
        include_pending,
    )
