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

import html
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from registry.audit.log import verify_chain
from registry.audit.models import AuditEntry
from registry.auth.models import Appointment, Office, User
from registry.auth.offices import agency_today
from registry.channels import lookup
from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.extensions import db
from registry.policy.platforms import channel_url_problem
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import SIGNING_OFFICES, Signoff
from registry.signoffs.services import live_approvals
from registry.timeutil import local_date

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


@dataclass(frozen=True)
class Violation:
    invariant: str
    message: str

    def __str__(self) -> str:
        return f"[{self.invariant}] {self.message}"


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


_CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TAG = re.compile(r"<[^>]+>")
# A scheduled closure is shown after the name: the channel is still active until that day.
_CLOSING_NOTE = re.compile(r"\s*\((closing on|ka kati hei te) [^)]*\)$")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


_NEXT_PAGE = re.compile(r'<a href="([^"]+)" rel="next">')


def lookup_vouches_only_for_ours() -> list[Violation]:
    """The public lookup ("is this official?") says yes only for an active channel, always says
    it for an official channel's own vouched address, and finds through its indexes exactly
    what reading every channel would find, for every channel's address, handle and name."""
    found: list[Violation] = []
    today = agency_today()
    channels = list(db.session.scalars(sa.select(Channel)).unique())
    public = [c for c in channels if c.state != ChannelState.APPROVED.value]
    for channel in channels:
        for account in filter(None, (channel.channel_url, channel.handle, channel.name)):
            answer = lookup.look_up(account)
            for item in answer.found:
                if item.standing.standing.official and not _official_on(item.channel, today):
                    found.append(
                        Violation(
                            "lookup",
                            f"{account!r} is answered official by {item.channel.reference}, "
                            f"which is {item.channel.state} (closing day "
                            f"{closing_day_of(item.channel)}).",
                        )
                    )
            everyone = _reading_every_channel(account, public)
            if (answer.matched_by, sorted(i.channel.id for i in answer.found)) != everyone:
                found.append(
                    Violation(
                        "lookup",
                        f"{account!r}: the lookup finds {answer}, reading every channel finds "
                        f"{everyone}.",
                    )
                )
        official_now = channel.state == "active" and _official_on(channel, today)
        # Its handle or name may find another channel first; its own vouched address must
        # always find it, official.
        if official_now and channel.vouched_url:
            answer = lookup.look_up(channel.vouched_url)
            if not any(
                i.channel.id == channel.id and i.standing.standing.official for i in answer.found
            ):
                found.append(
                    Violation(
                        "lookup",
                        f"{channel.reference}'s own address {channel.vouched_url!r} is not "
                        "answered official.",
                    )
                )
    return found


def closing_day_of(channel: Channel) -> date | None:
    return channel.decommissioned_on or channel.closure_scheduled_on


def _official_on(channel: Channel, today: date) -> bool:
    """Official means monitored by us today: active with no closing day that has come, or
    closed by a daily run dated ahead of the calendar (``registry remind --today``) whose
    recorded closing day is still to come."""
    if channel.state == "active":
        return channel.closure_scheduled_on is None or channel.closure_scheduled_on > today
    if channel.state in ("closing", "decommissioned"):
        return channel.decommissioned_on is not None and channel.decommissioned_on > today
    return False


def _reading_every_channel(account: str, public: list[Channel]) -> tuple[Any, list[int]]:
    account = account.strip()[:500]
    for matched_by, matches in (
        (lookup.MatchedBy.ADDRESS, lookup._by_address),
        (lookup.MatchedBy.HANDLE, lookup._by_handle),
        (lookup.MatchedBy.NAME, lookup._by_name),
    ):
        ids = matches(account, public) if account else []
        if ids:
            return matched_by, sorted(ids)
    return None, []


def register_rows(page: str) -> list[tuple[str, str, str, str]]:
    """(name, platform, handle, url) for each row of the public register's table (whose
    fifth column, the languages it posts in, is not compared)."""
    body = page.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    rows = []
    for row in _ROW.findall(body):
        cells = [_text(cell) for cell in _CELL.findall(row)]
        # A row of another shape would silently drop out of the comparison: refuse it.
        assert len(cells) == 5, f"a register row with {len(cells)} cells: {row[:300]}"
        rows.append((_CLOSING_NOTE.sub("", cells[0]), cells[1], cells[2], cells[3]))
    return rows


def _read_register(
    client: Any, language: str
) -> tuple[list[tuple[str, str, str, str]], Violation | None]:
    """Every row of every page of the register in ``language`` (chosen on the first page and
    remembered, as the switch does)."""
    rows: list[tuple[str, str, str, str]] = []
    address: str | None = f"/register/?lang={language}"
    while address is not None:  # every page of it: it lists 50 channels a page
        response = client.get(address)
        if response.status_code != 200:
            return rows, Violation("register", f"{address} answered {response.status_code}.")
        page = response.get_data(as_text=True)
        rows += register_rows(page)
        following = _NEXT_PAGE.search(page)
        address = html.unescape(following.group(1)) if following else None
    return rows, None


def register_matches(client: Any) -> list[Violation]:
    """The public register lists exactly the active channels, each URL passing the URL rule.

    The register must be switched on (PUBLIC_REGISTER_ENABLED) in the app under test.
    """
    # In te reo Māori it lists the very same channels, page after page. Read first, so the
    # client is left choosing English for whatever reads the public pages next.
    te_reo, refused = _read_register(client, "mi")
    if refused:
        return [refused]
    rows, refused = _read_register(client, "en")
    if refused:
        return [refused]
    if sorted(te_reo) != sorted(rows):
        return [Violation("register", f"In te reo it lists {te_reo}; in English {rows}.")]
    listed = sorted((r[0], r[2], r[3]) for r in rows)
    db.session.expire_all()
    active = db.session.scalars(
        sa.select(Channel).where(Channel.state == ChannelState.ACTIVE.value)
    ).unique()
    expected = sorted((" ".join(c.name.split()), c.handle, c.channel_url) for c in active)
    found = []
    if listed != expected:
        found.append(
            Violation(
                "register", f"The register lists {listed}; the active channels are {expected}."
            )
        )
    for channel in db.session.scalars(
        sa.select(Channel).where(Channel.state == ChannelState.ACTIVE.value)
    ).unique():
        if channel.channel_url:
            problem = channel_url_problem(channel.platform, channel.handle, channel.channel_url)
            if problem:
                found.append(
                    Violation(
                        "channel-url",
                        f"{channel.reference} is listed with {channel.channel_url!r}: {problem}",
                    )
                )
    return found


_STATEMENT_CHANNEL = re.compile(r'<h3 id="channel-\d+" dir="auto">(.*?)</h3>', re.S)
_STATEMENT_VERSION = re.compile(r"\(version (\d+)\)</p>")


def statement_matches(client: Any, seen: dict[int, str]) -> list[Violation]:
    """The transparency statement lists exactly the official channels, as its latest version,
    and no version's stored snapshot ever changes (``seen``: number to snapshot, as first read,
    kept by the caller across steps).

    The register must be switched on (PUBLIC_REGISTER_ENABLED) in the app under test.
    """
    from registry.transparency.models import StatementVersion
    from registry.transparency.snapshot import canonical

    response = client.get("/transparency?lang=en")
    if response.status_code != 200:
        return [Violation("statement", f"/transparency answered {response.status_code}.")]
    page = response.get_data(as_text=True)
    listed = sorted(_text(name) for name in _STATEMENT_CHANNEL.findall(page))
    db.session.expire_all()
    today = agency_today()
    official = sorted(
        " ".join(c.name.split())
        for c in db.session.scalars(
            sa.select(Channel).where(Channel.state == ChannelState.ACTIVE.value)
        ).unique()
        if _official_on(c, today)
    )
    found = []
    if listed != official:
        found.append(
            Violation("statement", f"The statement lists {listed}; the official are {official}.")
        )
    versions = list(
        db.session.scalars(sa.select(StatementVersion).order_by(StatementVersion.number))
    )
    shown = _STATEMENT_VERSION.search(page)
    if not versions or shown is None or int(shown.group(1)) != versions[-1].number:
        found.append(Violation("statement", "The statement page does not show the latest version."))
    for number, version in enumerate(versions, start=1):
        if version.number != number:
            found.append(Violation("statement-history", f"Version {number} is missing."))
            break
        if canonical(json.loads(version.snapshot_json)) != (
            version.snapshot_json,
            version.snapshot_sha256,
        ):
            found.append(
                Violation("statement-history", f"Version {number}'s SHA-256 is not its snapshot's.")
            )
        first = seen.setdefault(number, version.snapshot_json)
        if first != version.snapshot_json:
            found.append(Violation("statement-history", f"Version {number}'s snapshot changed."))
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.snapshot_sha256 == later.snapshot_sha256:
            found.append(
                Violation(
                    "statement-history",
                    f"Versions {earlier.number} and {later.number} say the same thing.",
                )
            )
    return found


_STATUS = re.compile(r"<dt>Status</dt>\s*<dd>(.*?)</dd>", re.S)


def expected_charter_status(charter: Charter) -> tuple[str, ...] | None:
    """Words the verify page's status must contain, from the channel's state now."""
    proposal = db.session.get(Proposal, charter.proposal_id)
    channel = db.session.get(Channel, proposal.channel_id) if proposal.channel_id else None
    if channel is None:
        return None
    if channel.proposal_id != proposal.id:
        return ("superseded",)
    # Closing (its checklist under way) is closed to the public exactly as decommissioned.
    if channel.state_enum in (ChannelState.CLOSING, ChannelState.DECOMMISSIONED):
        if channel.decommissioned_on and channel.decommissioned_on > agency_today():
            # Closed on a date still ahead: the daily job was run as if that day had come
            # (``remind --today``), or a record from before closures could be scheduled. The
            # public is told it is ours, and monitored, until then.
            return ("active", "until")
        return ("decommissioned",)
    if channel.state_enum is ChannelState.ACTIVE:
        return ("active",)
    return ("not", "live")


def charter_statuses_match(client: Any) -> list[Violation]:
    """Every charter's public verify page states its channel's state now."""
    found = []
    for charter in db.session.scalars(sa.select(Charter).order_by(Charter.id)).unique():
        number = charter.number
        wanted = expected_charter_status(charter)
        response = client.get(f"/charters/{number}/verify")
        match = _STATUS.search(response.get_data(as_text=True))
        shown = _text(match.group(1)) if match else ""
        if response.status_code != 200 or not match:
            found.append(
                Violation("charter-status", f"{number}: no status ({response.status_code}).")
            )
        elif wanted and not all(word in shown.lower() for word in wanted):
            found.append(
                Violation("charter-status", f"{number} says {shown!r}; the channel is {wanted}.")
            )
    return found


# --- closing a channel ---------------------------------------------------------------------

# The order a channel moves through; it never moves back (a change re-approving an active
# channel leaves it active).
_STATE_ORDER = {"approved": 0, "active": 1, "closing": 2, "decommissioned": 3}


def channel_states() -> dict[int, str]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Channel.id, Channel.state)).all())


def lifecycle_moves_forward(previous: dict[int, str], now: dict[int, str]) -> list[Violation]:
    """Nothing un-decommissions, nor reopens a closing channel: states only move forward."""
    return [
        Violation("moves-forward", f"C-{cid:04d} went from {was} back to {now[cid]}.")
        for cid, was in previous.items()
        if cid in now and _STATE_ORDER[now[cid]] < _STATE_ORDER[was]
    ]


def closing_checklists_hold() -> list[Violation]:
    """A channel that started closing has every checklist item; a decommissioned one has every
    item ticked by someone (a person, or the registry for its automatic item) with a time, or
    was decommissioned before the checklist existed (no "channel-closing" entry, no items).
    Each was decommissioned exactly once, and a closing or decommissioned channel is never on
    the public register (``register_matches`` reads it) nor official in the lookup."""
    from registry.inventory.checklist import ITEMS
    from registry.inventory.models import ClosureItem

    found: list[Violation] = []
    keys = {kind.key for kind in ITEMS}
    started = set(
        db.session.scalars(
            sa.select(AuditEntry.object_id).where(AuditEntry.action == "channel-closing")
        )
    )
    decommissioned_entries = Counter(
        db.session.scalars(
            sa.select(AuditEntry.object_id).where(AuditEntry.action == "channel-decommissioned")
        )
    )
    for channel in db.session.scalars(
        sa.select(Channel).where(Channel.state.in_(("closing", "decommissioned")))
    ).unique():
        items = list(
            db.session.scalars(sa.select(ClosureItem).where(ClosureItem.channel_id == channel.id))
        )
        if str(channel.id) not in started and not items:
            continue  # closed before the checklist existed
        if {item.item for item in items} != keys:
            found.append(
                Violation(
                    "checklist", f"{channel.reference} has items {sorted(i.item for i in items)}."
                )
            )
        if channel.decommissioned_on is None:
            found.append(Violation("checklist", f"{channel.reference} has no closing date."))
        if channel.state == "decommissioned":
            unticked = [
                i.item
                for i in items
                if i.ticked_at is None or (i.ticked_by_id is None and not i.ticked_by_label)
            ]
            if unticked:
                found.append(
                    Violation(
                        "checklist",
                        f"{channel.reference} is decommissioned with {unticked} not ticked by "
                        "anyone.",
                    )
                )
            if decommissioned_entries[str(channel.id)] != 1:
                found.append(
                    Violation(
                        "checklist",
                        f"{channel.reference} was decommissioned "
                        f"{decommissioned_entries[str(channel.id)]} times.",
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
    # Its own module (this one is long); imported here, since it takes Violation from here.
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
