"""Beyond the charter: information requests, election periods, account security, and
channels whose people have left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import agency_today, offices_held
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write
from registry.errors import ConflictError, RegistryError
from registry.extensions import db
from registry.oia.dates import statutory_due_date, working_days_left
from registry.oia.models import (
    AccountSecurity,
    ElectionPeriod,
    InformationRequest,
    security_version,
)
from registry.timeutil import local_date

DUE_SOON_WORKING_DAYS = 5
ACCESS_REVIEW_MONTHS = 12

# The points of the Public Service Commission's general election guidance that bear on a
# channel, in the words the Communications team uses.
ELECTION_GUIDANCE = (
    "Keep likes, follows, shares and comments politically neutral: do not like, share or "
    "reply to posts by political parties, candidates or their campaigns.",
    "Do not publish anything that could be seen as supporting or opposing a party, candidate "
    "or policy position in the election.",
    "Check new campaigns, announcements and paid promotion with the Communications team and "
    "the Manager Communications before they go out.",
    "Treat candidates who comment or ask for information like any other member of the "
    "public, and refer media enquiries to the Communications team.",
)


# --- election periods ----------------------------------------------------------------------


def election_period_on(day: date) -> ElectionPeriod | None:
    return db.session.scalar(
        select(ElectionPeriod)
        .where(ElectionPeriod.starts_on <= day, ElectionPeriod.ends_on >= day)
        .order_by(ElectionPeriod.starts_on)
    )


def current_election_period() -> ElectionPeriod | None:
    return election_period_on(agency_today())


def election_periods() -> list[ElectionPeriod]:
    return list(
        db.session.scalars(select(ElectionPeriod).order_by(ElectionPeriod.starts_on.desc()))
    )


def create_election_period(
    name: str, starts_on: date, ends_on: date, actor: User
) -> ElectionPeriod:
    begin_write()
    name = " ".join(name.split())
    if not name:
        raise RegistryError("Name the election period, e.g. “2026 general election”.", "name")
    if ends_on < starts_on:
        raise RegistryError("The end date must be on or after the start date.", "ends_on")
    clash = db.session.scalar(
        select(ElectionPeriod).where(
            ElectionPeriod.starts_on <= ends_on, ElectionPeriod.ends_on >= starts_on
        )
    )
    if clash is not None:
        raise RegistryError(
            f"It overlaps “{clash.name}” "
            f"({clash.starts_on:%-d %B %Y} to {clash.ends_on:%-d %B %Y}).",
            "starts_on",
        )
    period = ElectionPeriod(name=name, starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id)
    db.session.add(period)
    db.session.flush()
    record(
        "election-period-created",
        "election_period",
        period.id,
        actor=actor,
        after={"name": name, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    db.session.commit()
    return period


# --- information requests ------------------------------------------------------------------


@dataclass(frozen=True)
class RequestStatus:
    label: str
    css: str  # tag-ok, tag-warn, tag-bad, tag-muted
    days_left: int | None


def status_of(request: InformationRequest, today: date | None = None) -> RequestStatus:
    today = today or agency_today()
    if request.responded_on:
        return RequestStatus(f"Responded {request.responded_on:%-d %B %Y}", "tag-ok", None)
    if request.transferred_on:
        return RequestStatus(f"Transferred {request.transferred_on:%-d %B %Y}", "tag-muted", None)
    left = working_days_left(today, request.effective_due_on)
    if left < 0:
        return RequestStatus(
            f"Overdue by {-left} working day{'s' if left != -1 else ''}", "tag-bad", left
        )
    if left <= DUE_SOON_WORKING_DAYS:
        return RequestStatus(
            f"Due soon: {left} working day{'s' if left != 1 else ''} left", "tag-warn", left
        )
    return RequestStatus(f"{left} working days left", "tag-ok", left)


def log_request(
    channel_id: int,
    actor: User,
    received_at: datetime,
    requester: str,
    summary: str,
    handler_id: int | None,
) -> InformationRequest:
    begin_write()
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        raise RegistryError("That channel does not exist.")
    requester = requester.strip()
    summary = summary.strip()
    if not requester:
        raise RegistryError("Enter who asked: their handle or name.", "requester")
    if not summary:
        raise RegistryError("Summarise what they asked for.", "summary")
    if received_at > datetime.now(received_at.tzinfo) + timedelta(minutes=5):
        raise RegistryError("The request cannot have been received in the future.", "received_on")
    if handler_id is not None:
        handler = db.session.get(User, handler_id)
        if handler is None or not handler.is_active_account:
            raise RegistryError("Choose who handles it from the list.", "handler")
    received_on = local_date(received_at, current_app.config["AGENCY_TIMEZONE"])
    request = InformationRequest(
        channel_id=channel.id,
        received_at=received_at,
        received_on=received_on,
        requester=requester[:300],
        summary=summary[:5000],
        handler_id=handler_id,
        due_on=statutory_due_date(received_on),
        created_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    record(
        "information-request-logged",
        "channel",
        channel.id,
        actor=actor,
        request=request.reference,
        received_on=received_on.isoformat(),
        due_on=request.due_on.isoformat(),
    )
    db.session.commit()
    return request


def _open_request(request_id: int) -> InformationRequest:
    request = db.session.get(InformationRequest, request_id)
    if request is None:
        raise RegistryError("That request does not exist.")
    if request.closed:
        raise ConflictError(
            f"{request.reference} is already closed: {status_of(request).label.lower()}."
        )
    return request


def extend_request(
    request_id: int, actor: User, new_due_on: date, reason: str
) -> InformationRequest:
    begin_write()
    request = _open_request(request_id)
    reason = reason.strip()
    if new_due_on <= request.effective_due_on:
        raise RegistryError(
            "An extension must be later than the current due date, "
            f"{request.effective_due_on:%-d %B %Y}.",
            "new_due_on",
        )
    if not reason:
        raise RegistryError("Give the reason for the extension (section 15A of the Act).", "reason")
    request.extended_due_on = new_due_on
    request.extension_reason = reason[:2000]
    record(
        "information-request-extended",
        "channel",
        request.channel_id,
        actor=actor,
        request=request.reference,
        due_on=new_due_on.isoformat(),
        reason=reason[:500],
    )
    db.session.commit()
    return request


def transfer_request(request_id: int, actor: User, on: date, to: str) -> InformationRequest:
    begin_write()
    request = _open_request(request_id)
    to = to.strip()
    if not to:
        raise RegistryError("Name the agency the request was transferred to.", "transferred_to")
    if on < request.received_on:
        raise RegistryError(
            "A transfer cannot come before the request was received.", "transferred_on"
        )
    request.transferred_on = on
    request.transferred_to = to[:300]
    record(
        "information-request-transferred",
        "channel",
        request.channel_id,
        actor=actor,
        request=request.reference,
        to=to[:300],
        on=on.isoformat(),
    )
    db.session.commit()
    return request


def respond_request(request_id: int, actor: User, on: date) -> InformationRequest:
    begin_write()
    request = _open_request(request_id)
    if on < request.received_on:
        raise RegistryError(
            "A response cannot come before the request was received.", "responded_on"
        )
    if on > agency_today():
        raise RegistryError("Record the response once it has been sent.", "responded_on")
    request.responded_on = on
    record(
        "information-request-responded",
        "channel",
        request.channel_id,
        actor=actor,
        request=request.reference,
        on=on.isoformat(),
        late=on > request.effective_due_on,
    )
    db.session.commit()
    return request


def requests_for(channel: Channel) -> list[InformationRequest]:
    return list(
        db.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.channel_id == channel.id)
            .order_by(InformationRequest.received_at.desc())
        ).unique()
    )


def information_contact_id(channel: Channel) -> int | None:
    if not channel.proposal_id:
        return None
    from registry.proposals.models import Proposal

    return db.session.get(Proposal, channel.proposal_id).current_revision.content.get(
        "information_contact_id"
    )


def can_see_requester(user: User, request: InformationRequest) -> bool:
    """Who asked and what they asked for is personal information (Privacy Act 2020): only
    the Communications team, the request's handler and the channel's information-requests
    contact see it. Everyone else who can see the channel sees that the request exists."""
    if request.handler_id == user.id:
        return True
    if any(a.office_enum is Office.COMMUNICATIONS_TEAM for a in offices_held(user)):
        return True
    channel = db.session.get(Channel, request.channel_id)
    return channel is not None and information_contact_id(channel) == user.id


def requests_needing_attention(user: User | None = None) -> list[InformationRequest]:
    """Open requests overdue or due within five working days; for ``user``, only theirs
    (handler, or the channel's information-requests contact) unless they are Communications."""
    today = agency_today()
    horizon = today + timedelta(days=14)  # five working days fit in two weeks
    query = select(InformationRequest).where(
        InformationRequest.responded_on.is_(None),
        InformationRequest.transferred_on.is_(None),
        or_(
            InformationRequest.extended_due_on <= horizon,
            (InformationRequest.extended_due_on.is_(None)) & (InformationRequest.due_on <= horizon),
        ),
    )
    requests = [
        r
        for r in db.session.scalars(query.order_by(InformationRequest.due_on)).unique()
        if working_days_left(today, r.effective_due_on) <= DUE_SOON_WORKING_DAYS
    ]
    if user is None:
        return requests
    return [request for request in requests if can_see_requester(user, request)]


def send_oia_reminders() -> list[str]:
    from registry import notifications

    lines = []
    for request in requests_needing_attention():
        channel = db.session.get(Channel, request.channel_id)
        people: list[Any] = [request.handler]
        contact_id = information_contact_id(channel)
        if contact_id:
            people.append(db.session.get(User, contact_id))
        people = [p for p in people if p is not None and p.is_active_account]
        status = status_of(request)
        notifications.send(
            people,
            f"Information request {request.reference}: {status.label}",
            f"{request.requester} asked via {channel.name} on {request.received_on:%-d %B %Y}:\n\n"
            f"{request.summary}\n\nDue {request.effective_due_on:%-d %B %Y} under the Official "
            f"Information Act. {notifications.link(f'/information-requests/{request.id}')}\n",
        )
        names = ", ".join(p.display_name for p in people) or "nobody (no contact named)"
        lines.append(f"{request.reference} ({channel.name}): {status.label}; reminded {names}")
    return lines


# --- account security -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    fix: str


def looks_like_a_secret(text: str) -> bool:
    """A reference names where a password is kept; a password has no spaces and mixes kinds."""
    text = text.strip()
    if " " in text or len(text) < 10:
        return False
    kinds = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() for c in text),
        )
    )
    return kinds >= 3


def security_checklist(
    security: AccountSecurity | None, domain: str, today: date, admins: list[User]
) -> list[CheckItem]:
    security = security or AccountSecurity(mfa_enabled=False)
    active_admins = [u for u in admins if u.is_active_account]
    email = (security.recovery_email or "").strip().lower()
    host = email.rpartition("@")[2]
    reviewed = security.last_access_review
    return [
        CheckItem(
            "At least two agency staff hold admin access on the platform",
            len(active_admins) >= 2,
            "Name at least two current staff with admin access, so the account is never "
            "left with one (or no) person able to get in.",
        ),
        CheckItem(
            "Multi-factor authentication is on",
            bool(security.mfa_enabled),
            "Turn on multi-factor authentication for every admin on the platform.",
        ),
        CheckItem(
            f"The recovery email is on {domain}",
            bool(email) and (host == domain or host.endswith("." + domain)),
            f"Use an agency mailbox on {domain} for account recovery, not a personal address.",
        ),
        CheckItem(
            "Where the credentials are held is recorded",
            bool((security.credentials_reference or "").strip()),
            "Record where the credentials are kept (e.g. the Communications team's password "
            "vault and the item's name) — never the password itself.",
        ),
        CheckItem(
            f"Access was reviewed in the last {ACCESS_REVIEW_MONTHS} months",
            reviewed is not None and reviewed >= today - timedelta(days=366),
            "Review who has access on the platform and record the date.",
        ),
    ]


def security_record(channel: Channel) -> AccountSecurity | None:
    return db.session.scalar(
        select(AccountSecurity).where(AccountSecurity.channel_id == channel.id)
    )


def save_security(
    channel_id: int,
    actor: User,
    admin_ids: list[int],
    mfa_enabled: bool,
    recovery_email: str,
    credentials_reference: str,
    last_access_review: date | None,
    expected_version: str | None = None,
) -> AccountSecurity:
    """Save the record; ``expected_version`` is the ``security_version`` the page showed."""
    begin_write()
    channel = db.session.get(Channel, channel_id)
    if channel is None or channel.state_enum is ChannelState.DECOMMISSIONED:
        raise ConflictError("Only a current channel has an account security record.")
    current = security_record(channel)
    if expected_version is not None and expected_version != security_version(current):
        who = db.session.get(User, current.updated_by_id) if current else None
        now = (
            "there is no record"
            if current is None
            else (
                f"multi-factor authentication {'on' if current.mfa_enabled else 'off'}, "
                f"{len(current.admin_ids)} admin(s), recovery email "
                f"{current.recovery_email or 'none'}, last access review "
                f"{current.last_access_review or 'none'}"
            )
        )
        raise RegistryError(
            "The account security record changed since you opened this page"
            f"{f' ({who.display_name} saved it)' if who else ''}; nothing was saved. It now "
            f"says: {now}. Saving again replaces that with what is below."
        )
    if looks_like_a_secret(credentials_reference):
        raise RegistryError(
            "That looks like a password. Record where the credentials are kept (e.g. “Comms "
            "vault, item MEC Pasifika”), never the password itself.",
            "credentials_reference",
        )
    if last_access_review and last_access_review > agency_today():
        raise RegistryError("The access review date cannot be in the future.", "last_access_review")
    known = set(
        db.session.scalars(select(User.id).where(User.id.in_(admin_ids), User.is_active_account))
    )
    admin_ids = [i for i in admin_ids if i in known]
    security = security_record(channel) or AccountSecurity(channel_id=channel.id)
    db.session.add(security)
    security.admin_user_ids = ",".join(str(i) for i in sorted(set(admin_ids)))
    security.mfa_enabled = mfa_enabled
    security.recovery_email = recovery_email.strip()[:254]
    security.credentials_reference = credentials_reference.strip()[:300]
    security.last_access_review = last_access_review
    security.updated_by_id = actor.id
    admins = list(db.session.scalars(select(User).where(User.id.in_(security.admin_ids))).unique())
    checks = security_checklist(
        security, current_app.config["AGENCY_DOMAIN"], agency_today(), admins
    )
    channel.security_complete = all(c.ok for c in checks)
    record(
        "account-security-saved",
        "channel",
        channel.id,
        actor=actor,
        complete=channel.security_complete,
        failing=[c.label for c in checks if not c.ok],
    )
    db.session.commit()
    return security


# --- people who leave -------------------------------------------------------------------------


PEOPLE_RULES = ("SMP-COMMS", "SMP-SPOKESPEOPLE", "SMP-PEER-REVIEW", "SMP-OIA")


def people_ids_of(content: dict[str, Any]) -> str:
    ids = {content.get("liaison_id"), content.get("information_contact_id")}
    ids |= set(content.get("spokespeople_ids", [])) | set(content.get("peer_reviewer_ids", []))
    ids.discard(None)
    return "," + ",".join(str(i) for i in sorted(ids)) + "," if ids else ""


def people_problem_of(channel: Channel) -> str:
    if not channel.proposal_id:
        return ""
    from registry.proposals import services as proposals
    from registry.proposals.models import Proposal

    proposal = db.session.get(Proposal, channel.proposal_id)
    report = proposals.policy_report(proposal.current_revision.content, proposal.proposer)
    problems = [
        f"{r.rule.id}: " + " ".join(f.message for f in r.findings)
        for r in report
        if r.rule.id in PEOPLE_RULES and not r.passed
    ]
    return "\n".join(problems)


def recheck_people(user_id: int | None = None) -> list[Channel]:
    """Re-evaluate the people rules for current channels (naming ``user_id``, or all).
    Runs inside the caller's transaction; returns the channels that now need reassignment."""
    query = select(Channel).where(
        Channel.state != ChannelState.DECOMMISSIONED.value, Channel.proposal_id.is_not(None)
    )
    if user_id is not None:
        query = query.where(Channel.people_ids.like(f"%,{int(user_id)},%"))
    flagged = []
    for channel in db.session.scalars(query).unique():
        channel.people_problem = people_problem_of(channel)
        if channel.people_problem:
            flagged.append(channel)
    return flagged


def orphaned_channels() -> list[Channel]:
    return list(
        db.session.scalars(
            select(Channel)
            .where(Channel.state != ChannelState.DECOMMISSIONED.value, Channel.people_problem != "")
            .order_by(Channel.name)
        ).unique()
    )
