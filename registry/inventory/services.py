"""The inventory: channels, their lifecycle after approval, and the filtered views of them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select

from registry.audit.log import record
from registry.auth.models import BusinessUnit, Office, User
from registry.auth.offices import agency_today, offices_held
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import parse_id
from registry.inventory.models import ChannelReview
from registry.policy.platforms import PLATFORMS, channel_url_problem, normalise_handle
from registry.policy.text import TextKind, clean_text, escape_invisible
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import add_months, local_date, utcnow

DUE_SOON_DAYS = 30
PER_PAGE_CHOICES = (25, 50, 100)
SORTS = {
    "name": Channel.name,
    "platform": Channel.platform,
    "unit": BusinessUnit.name,
    "state": Channel.state,
    "approved": Channel.approved_at,
    "review": Channel.review_due,
}


# --- who sees what ----------------------------------------------------------------------


def inventory_scope(user: User) -> list[int] | None:
    """Business units ``user`` may see in the inventory: None means all. ForbiddenError if none."""
    held = offices_held(user)
    kinds = {a.office_enum for a in held}
    if kinds & {Office.COMMUNICATIONS_TEAM, Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE}:
        return None
    units = [a.business_unit_id for a in held if a.office_enum is Office.DCE]
    if units:
        return units
    raise ForbiddenError(
        "The inventory is for the Communications team, the Manager Communications, the Chief "
        "Executive and each business unit's DCE."
    )


def can_view_channel(user: User, channel: Channel) -> bool:
    try:
        scope = inventory_scope(user)
    except ForbiddenError:
        scope = []
    if scope is None or channel.business_unit_id in scope:
        return True
    if channel.proposal_id is not None:
        from registry.proposals.services import can_view

        proposal = db.session.get(Proposal, channel.proposal_id)
        return proposal is not None and can_view(user, proposal)
    return False


def is_comms(user: User) -> bool:
    return any(a.office_enum is Office.COMMUNICATIONS_TEAM for a in offices_held(user))


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class InventoryFilters:
    unit: int | None = None
    platform: str = ""
    state: str = ""
    review: str = ""  # "overdue" | "due-soon"
    attention: str = ""  # "security-incomplete" | "policy-unmet"
    no_charter: bool = False
    q: str = ""
    sort: str = "name"
    direction: str = "asc"
    page: int = 1
    per_page: int = 25
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Any) -> InventoryFilters:
        """Parse query-string arguments; anything odd is ignored rather than an error."""

        def number(name: str, default: int, low: int, high: int) -> int:
            parsed = parse_id(args.get(name, ""))
            return default if parsed is None else min(max(parsed, low), high)

        unit_raw = str(args.get("unit", "")).strip()
        platform = str(args.get("platform", "")).strip()
        state = str(args.get("state", "")).strip()
        review = str(args.get("review", "")).strip()
        attention = str(args.get("attention", "")).strip()
        sort = str(args.get("sort", "name")).strip()
        per_page = number("per_page", 25, 1, 100)
        return cls(
            unit=parse_id(unit_raw),
            platform=platform if platform in PLATFORMS else "",
            state=state if state in {s.value for s in ChannelState} else "",
            review=review if review in ("overdue", "due-soon") else "",
            attention=attention if attention in ("security-incomplete", "policy-unmet") else "",
            no_charter=str(args.get("no_charter", "")).strip() in ("1", "y", "yes", "on", "true"),
            # Cleaned as typed text is everywhere (PostgreSQL refuses NUL, for one): the API
            # and the inventory page read it from the query string, not a form.
            q=clean_text(str(args.get("q", "")), TextKind.LINE).strip()[:200],
            sort=sort if sort in SORTS else "name",
            direction="desc" if str(args.get("direction", "")) == "desc" else "asc",
            page=number("page", 1, 1, 1_000_000),
            per_page=per_page if per_page in PER_PAGE_CHOICES else 25,
        )

    def args(self, **changes: Any) -> dict[str, str]:
        """Query-string arguments for this view (with ``changes``), defaults left out."""
        view = replace(self, **changes)
        pairs = {
            "unit": view.unit or "",
            "platform": view.platform,
            "state": view.state,
            "review": view.review,
            "attention": view.attention,
            "no_charter": "1" if view.no_charter else "",
            "q": view.q,
            "sort": "" if view.sort == "name" else view.sort,
            "direction": "" if view.direction == "asc" else view.direction,
            "page": "" if view.page == 1 else view.page,
            "per_page": "" if view.per_page == 25 else view.per_page,
        }
        return {k: str(v) for k, v in pairs.items() if v not in ("", None)}

    def query_string(self, **changes: Any) -> str:
        return urlencode(self.args(**changes))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered(filters: InventoryFilters, scope: list[int] | None, with_state: bool = True) -> Select:
    query = select(Channel).join(Channel.business_unit)
    if scope is not None:
        query = query.where(Channel.business_unit_id.in_(scope))
    if filters.unit:
        query = query.where(Channel.business_unit_id == filters.unit)
    if filters.platform:
        query = query.where(Channel.platform == filters.platform)
    if with_state and filters.state:
        query = query.where(Channel.state == filters.state)
    if filters.no_charter:
        query = query.where(Channel.no_charter.is_(True))
    today = agency_today()
    if filters.review == "overdue":
        query = query.where(Channel.state == ChannelState.ACTIVE.value, Channel.review_due < today)
    elif filters.review == "due-soon":
        query = query.where(
            Channel.state == ChannelState.ACTIVE.value,
            Channel.review_due >= today,
            Channel.review_due <= today + timedelta(days=DUE_SOON_DAYS),
        )
    if filters.attention == "security-incomplete":
        query = query.where(
            Channel.state == ChannelState.ACTIVE.value, Channel.security_complete.is_(False)
        )
    elif filters.attention == "policy-unmet":
        query = query.where(
            Channel.state != ChannelState.DECOMMISSIONED.value, Channel.people_problem != ""
        )
    if filters.q:
        pattern = f"%{_escape_like(filters.q.lower().lstrip('@'))}%"
        query = query.where(
            or_(
                func.lower(Channel.name).like(pattern, escape="\\"),
                Channel.handle_key.like(pattern, escape="\\"),
            )
        )
    return query


def ordered(query: Select, filters: InventoryFilters) -> Select:
    column = SORTS[filters.sort]
    primary = column.desc() if filters.direction == "desc" else column.asc()
    return query.order_by(primary.nulls_last(), Channel.id)


@dataclass
class Page:
    channels: list[Channel]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def inventory_page(filters: InventoryFilters, scope: list[int] | None) -> Page:
    """One page of the filtered inventory and counts per state: four queries, whatever the size."""
    base = filtered(filters, scope)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // filters.per_page))
    page = min(filters.page, pages)
    channels = list(
        db.session.scalars(
            ordered(base, filters).limit(filters.per_page).offset((page - 1) * filters.per_page)
        ).unique()
    )
    by_state = filtered(filters, scope, with_state=False).subquery()
    counts = {s.value: 0 for s in ChannelState}
    for state, count in db.session.execute(
        select(by_state.c.state, func.count()).group_by(by_state.c.state)
    ):
        counts[state] = count
    return Page(channels, total, page, pages, counts)


# --- the lifecycle after approval --------------------------------------------------------


def review_due_after(moment: datetime) -> date:
    config = current_app.config
    return add_months(
        local_date(moment, config["AGENCY_TIMEZONE"]), config["REVIEW_INTERVAL_MONTHS"]
    )


def on_approval(proposal: Proposal) -> Channel:
    """In the final sign-off's transaction: create the channel, or update the one changed."""
    content = proposal.current_revision.content
    if proposal.channel_id is not None:
        channel = db.session.get(Channel, proposal.channel_id)
    else:
        channel = Channel(
            state=ChannelState.APPROVED.value, business_unit_id=proposal.business_unit_id
        )
        db.session.add(channel)
    channel.name = content.get("channel_name", "")[:200]
    channel.platform = content.get("platform", "")
    channel.platform_other = content.get("platform_other", "")[:100]
    channel.handle = content.get("handle", "")[:200]
    channel.handle_key = normalise_handle(channel.platform, channel.handle)[:200]
    if content.get("channel_url"):
        channel.channel_url = content["channel_url"][:500]
    channel.business_unit_id = proposal.business_unit_id
    channel.liaison_id = content.get("liaison_id")
    channel.proposal_id = proposal.id
    from registry.proposals.models import people_ids_of

    channel.people_ids = people_ids_of(content)
    channel.people_problem = ""
    channel.no_charter = False
    channel.approved_at = proposal.approved_at
    if channel.state == ChannelState.ACTIVE.value:
        channel.review_due = review_due_after(proposal.approved_at)
    channel.updated_at = utcnow()
    db.session.flush()
    if proposal.channel_id is None:
        proposal.channel_id = channel.id
    record(
        "channel-approved",
        "channel",
        channel.id,
        actor=None,
        proposal=proposal.reference,
        state=channel.state,
    )
    return channel


def _locked_channel(channel_id: int) -> Channel:
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise RegistryError("That channel does not exist.")
    return channel


def go_live(channel_id: int, actor: User, channel_url: str) -> Channel:
    begin_write()
    channel = _locked_channel(channel_id)
    if channel.state_enum is ChannelState.ACTIVE:
        raise ConflictError(
            f"{channel.name} was marked as live meanwhile, at {channel.channel_url}. "
            "Nothing was changed; if that address is wrong, propose a change to the channel."
        )
    if channel.state_enum is not ChannelState.APPROVED:
        raise ConflictError(
            f"{channel.name} is {channel.state_enum.label.lower()}, not waiting to go live."
        )
    channel_url = channel_url.strip()
    if not channel_url:
        raise RegistryError("Enter the channel's web address, now that it is live.", "channel_url")
    problem = channel_url_problem(channel.platform, channel.handle, channel_url)
    if problem:
        raise RegistryError(problem, "channel_url")
    from registry.inventory.risk import require_secure_or_accepted

    accepted = require_secure_or_accepted(channel, actor, "go-live")
    now = utcnow()
    channel.channel_url = channel_url[:500]
    channel.state = ChannelState.ACTIVE.value
    channel.went_live_at = now
    channel.review_due = review_due_after(channel.approved_at or now)
    channel.updated_at = now
    record(
        "channel-live",
        "channel",
        channel.id,
        actor=actor,
        url=channel.channel_url,
        review_due=channel.review_due.isoformat(),
        security_risk_accepted_by=accepted.capacity if accepted else None,
    )
    db.session.commit()
    return channel


@dataclass(frozen=True)
class ReviewAnswers:
    still_needed: bool
    terms_accurate: bool
    hours_kept: bool
    spokespeople_right: bool
    notes: str = ""


def _active(channel: Channel) -> None:
    if channel.state_enum is not ChannelState.ACTIVE:
        raise ConflictError(f"{channel.name} is {channel.state_enum.label.lower()}, not active.")


def recertify(channel_id: int, actor: User, answers: ReviewAnswers) -> Channel:
    begin_write()
    channel = _locked_channel(channel_id)
    _active(channel)
    if not all(
        (
            answers.still_needed,
            answers.terms_accurate,
            answers.hours_kept,
            answers.spokespeople_right,
        )
    ):
        raise RegistryError(
            "Recertify only when every answer is yes. Otherwise start a change (a new revision "
            "goes through sign-off) or decommission the channel.",
            "still_needed",
        )
    from registry.inventory.risk import require_secure_or_accepted

    accepted = require_secure_or_accepted(channel, actor, "recertify")
    now = utcnow()
    next_due = add_months(agency_today(), current_app.config["REVIEW_INTERVAL_MONTHS"])
    db.session.add(
        ChannelReview(
            channel_id=channel.id,
            reviewer=actor,
            reviewed_at=now,
            outcome="recertified",
            next_review_due=next_due,
            **_answers(answers),
        )
    )
    before = channel.review_due.isoformat() if channel.review_due else None
    channel.review_due = next_due
    channel.last_reviewed_at = now
    channel.updated_at = now
    record(
        "channel-recertified",
        "channel",
        channel.id,
        actor=actor,
        before={"review_due": before},
        after={"review_due": next_due.isoformat()},
        notes=answers.notes[:500],
        security_risk_accepted_by=accepted.capacity if accepted else None,
    )
    db.session.commit()
    return channel


def _answers(answers: ReviewAnswers) -> dict[str, Any]:
    return {
        "still_needed": answers.still_needed,
        "terms_accurate": answers.terms_accurate,
        "hours_kept": answers.hours_kept,
        "spokespeople_right": answers.spokespeople_right,
        "notes": answers.notes[:5000],
    }


def decommission(
    channel_id: int,
    actor: User,
    on_date: date | None,
    reason: str,
    answers: ReviewAnswers | None = None,
) -> Channel:
    begin_write()
    channel = _locked_channel(channel_id)
    if channel.state_enum is ChannelState.DECOMMISSIONED:
        raise ConflictError(f"{channel.name} was already decommissioned.")
    reason = reason.strip()
    if not reason:
        raise RegistryError("Give the reason the channel is being decommissioned.", "reason")
    if on_date is None:
        raise RegistryError(
            "Enter the date the channel was (or will be) closed, e.g. 2026-12-01.",
            "decommissioned_on",
        )
    from registry.inventory.closing import channel_started_on, close_now, schedule_closure

    started = channel_started_on(channel)
    if started is not None and on_date < started:
        raise RegistryError(
            f"{channel.name} started on {started:%-d %B %Y}: it cannot close before then. "
            "Enter that date or a later one.",
            "decommissioned_on",
        )
    scheduled = on_date > agency_today()
    if answers is not None:
        db.session.add(
            ChannelReview(
                channel_id=channel.id,
                reviewer=actor,
                reviewed_at=utcnow(),
                outcome="closure-scheduled" if scheduled else "decommissioned",
                **_answers(answers),
            )
        )
    if scheduled:
        schedule_closure(channel, actor, on_date, reason)
    else:
        close_now(channel, actor, on_date, reason)
    db.session.commit()
    return channel


def start_change(channel_id: int, actor: User, answers: ReviewAnswers | None = None) -> Proposal:
    """A new proposal for an existing channel: the current content, to edit and sign again."""
    from registry.proposals import services as proposals

    begin_write()
    channel = _locked_channel(channel_id)
    if channel.state_enum is ChannelState.DECOMMISSIONED:
        raise ConflictError(f"{channel.name} was decommissioned; propose a new channel instead.")
    open_change = db.session.scalar(
        select(Proposal).where(
            Proposal.channel_id == channel.id,
            Proposal.state.in_(
                [
                    s.value
                    for s in (
                        ProposalState.DRAFT,
                        ProposalState.AWAITING_SIGNOFF,
                        ProposalState.CHANGES_REQUESTED,
                    )
                ]
            ),
        )
    )
    if open_change is not None:
        raise ConflictError(
            f"{open_change.reference} is already open for {channel.name}; continue that one."
        )
    if channel.proposal_id:
        content = dict(db.session.get(Proposal, channel.proposal_id).current_revision.content)
        # The change starts from the address the channel has now (set when it went live), so
        # the policy check holds the changed handle and the address together.
        content["channel_url"] = content.get("channel_url") or channel.channel_url
    else:
        content = proposals.empty_content(channel.business_unit_id)
        content.update(
            channel_name=channel.name,
            platform=channel.platform,
            platform_other=channel.platform_other,
            handle=channel.handle,
            channel_url=channel.channel_url,
            liaison_id=channel.liaison_id,
        )
    now = utcnow()
    if answers is not None:
        db.session.add(
            ChannelReview(
                channel_id=channel.id,
                reviewer=actor,
                reviewed_at=now,
                outcome="change-started",
                **_answers(answers),
            )
        )
    proposal = proposals.new_draft(actor, content, channel.id)
    db.session.flush()
    record(
        "channel-change-started", "channel", channel.id, actor=actor, proposal=proposal.reference
    )
    record(
        "proposal-created",
        "proposal",
        proposal.reference,
        actor=actor,
        after={"channel": channel.name, "revision": 1, "changes": channel.reference},
    )
    db.session.commit()
    return proposal


def channel_people(channel: Channel) -> dict[str, Any]:
    """The people named in the approved content (spokespeople, reviewers...), for display."""
    if not channel.proposal_id:
        return {}
    from registry.proposals import presenters

    content = db.session.get(Proposal, channel.proposal_id).current_revision.content
    names = presenters.Names(content)
    return {
        "Communications liaison": names.display("liaison_id", content),
        "Authorised spokespeople": names.display("spokespeople_ids", content),
        "Peer reviewers": names.display("peer_reviewer_ids", content),
        "Information requests contact": names.display("information_contact_id", content),
    }


def reviews_of(channel: Channel) -> list[ChannelReview]:
    return list(
        db.session.scalars(
            select(ChannelReview)
            .where(ChannelReview.channel_id == channel.id)
            .order_by(ChannelReview.reviewed_at.desc())
        ).unique()
    )


def reviews_needing_attention(days: int = DUE_SOON_DAYS) -> list[Channel]:
    today = agency_today()
    return list(
        db.session.scalars(
            select(Channel)
            .where(
                Channel.state == ChannelState.ACTIVE.value,
                Channel.review_due <= today + timedelta(days=days),
            )
            .order_by(Channel.review_due)
        ).unique()
    )


TIMELINE_LABELS = {
    "proposal-created": "Proposed",
    "proposal-saved": "Proposal edited",
    "proposal-submitted": "Submitted for sign-off",
    "proposal-withdrawn": "Proposal withdrawn",
    "signoff-approve": "Signed off",
    "signoff-request-changes": "Changes requested",
    "proposal-change-reply": "Proposer replied to the change request",
    "signoff-decline": "Declined",
    "channel-approved": "Approved",
    "charter-issued": "Charter issued",
    "charter-failed": "Charter could not be produced",
    "channel-live": "Marked as live",
    "channel-recertified": "Reviewed and recertified",
    "channel-change-started": "Change started",
    "channel-decommissioned": "Decommissioned",
    "channel-security-risk-accepted": "Account-security risk accepted",
    "channel-closure-scheduled": "Closure scheduled",
    "channel-closure-cancelled": "Scheduled closure cancelled",
    "channels-imported": "Imported from the Communications team's spreadsheet",
    "information-request-logged": "Information request logged",
    "information-request-extended": "Information request extended",
    "information-request-transferred": "Information request transferred",
    "information-request-responded": "Information request answered",
    "account-security-saved": "Account security record updated",
    "channel-people-flagged": "People left: reassignment needed",
}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    label: str
    actor: str
    details: dict[str, Any]


def timeline(channel: Channel) -> list[TimelineEvent]:
    """The channel's history, from the audit log: its proposals, sign-offs, charters and life."""
    import json

    from registry.audit.models import AuditEntry
    from registry.charters.models import Charter

    proposal_ids = set(
        db.session.scalars(select(Proposal.id).where(Proposal.channel_id == channel.id))
    )
    if channel.proposal_id:
        proposal_ids.add(channel.proposal_id)
    references = [f"P-{pid:04d}" for pid in proposal_ids]
    numbers = list(
        db.session.scalars(select(Charter.number).where(Charter.proposal_id.in_(proposal_ids)))
    )
    conditions = [
        and_(AuditEntry.object_type == "channel", AuditEntry.object_id == str(channel.id))
    ]
    if references:
        conditions.append(
            and_(AuditEntry.object_type == "proposal", AuditEntry.object_id.in_(references))
        )
    if numbers:
        conditions.append(
            and_(AuditEntry.object_type == "charter", AuditEntry.object_id.in_(numbers))
        )
    if channel.no_charter or channel.proposal_id is None:
        # Imports are audited once per file, not per channel: find the file's entry by time.
        window = timedelta(minutes=5)
        conditions.append(
            and_(
                AuditEntry.action == "channels-imported",
                AuditEntry.occurred_at.between(
                    channel.created_at - window, channel.created_at + window
                ),
            )
        )
    entries = list(
        db.session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.id))
    )
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    names = dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()
    )
    events = []
    for entry in entries:
        summary = json.loads(entry.summary)
        # Rows written before the log escaped bidirectional overrides keep them: shown here
        # escaped too, so no row can display as something other than what it holds.
        details = {
            k: escape_invisible(v) if isinstance(v, str) else v
            for k, v in summary.items()
            if k
            in (
                "capacity",
                "comment",
                "reason",
                "url",
                "review_due",
                "notes",
                "revision",
                "request",
                "due_on",
                "to",
                "person",
                "problem",
                "failing",
                "reply",
            )
        }
        if entry.action == "channel-imported" or entry.object_type == "charter":
            details.setdefault("reference", entry.object_id)
        actor = names.get(entry.actor_id, escape_invisible(entry.actor_label))
        if entry.action == "channels-imported" and channel.started_on:
            details["started"] = f"{channel.started_on:%-d %B %Y}"
        events.append(
            TimelineEvent(
                entry.occurred_at, TIMELINE_LABELS.get(entry.action, entry.action), actor, details
            )
        )
    return events


def current_charter(channel: Channel):  # noqa: ANN201
    from registry.charters.models import Charter

    if not channel.proposal_id:
        return None
    return db.session.scalar(select(Charter).where(Charter.proposal_id == channel.proposal_id))


def public_register() -> list[Channel]:
    """The official channels now: active, and not past a scheduled closing day (closed that
    day even if the daily command that records it has not run yet)."""
    return list(
        db.session.scalars(
            select(Channel)
            .where(
                Channel.state == ChannelState.ACTIVE.value,
                or_(
                    Channel.closure_scheduled_on.is_(None),
                    Channel.closure_scheduled_on > agency_today(),
                ),
            )
            .order_by(Channel.platform, Channel.name)
        ).unique()
    )


def send_review_reminders() -> list[str]:
    """Email each liaison about their channels' reviews overdue or due within 30 days."""
    from registry import notifications

    today = agency_today()
    by_liaison: dict[int, list[Channel]] = {}
    unassigned: list[Channel] = []
    for channel in reviews_needing_attention():
        if channel.liaison is not None and channel.liaison.is_active_account:
            by_liaison.setdefault(channel.liaison.id, []).append(channel)
        else:
            unassigned.append(channel)
    lines = []
    for channels in by_liaison.values():
        liaison = channels[0].liaison
        body = "\n".join(
            f"- {c.name} ({c.reference}): review "
            + (
                f"overdue since {c.review_due:%-d %B %Y}"
                if c.review_due < today
                else f"due {c.review_due:%-d %B %Y}"
            )
            + f"\n  {notifications.link(f'/channels/{c.id}/review')}"
            for c in channels
        )
        notifications.send(
            [liaison],
            f"Channel reviews due: {len(channels)}",
            "These channels you liaise on need their yearly review under the Social Media "
            f"Policy:\n\n{body}\n",
        )
        lines.append(f"{liaison.display_name}: {', '.join(c.name for c in channels)}")
    if unassigned:
        lines.append("No active liaison: " + ", ".join(c.name for c in unassigned))
    db.session.commit()  # the reminders' email jobs
    return lines
