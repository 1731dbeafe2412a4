"""Reading the inventory: filters and pages, a channel's page (people, reviews, timeline,
charter), and the public register."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, table, text

from registry.auth.models import BusinessUnit, User
from registry.auth.offices import agency_today
from registry.channels.models import CLOSED_STATES, Channel, ChannelState
from registry.extensions import db
from registry.forms import parse_id
from registry.inventory.models import ChannelReview
from registry.policy.platforms import PLATFORMS
from registry.policy.text import TextKind, clean_text, escape_invisible
from registry.proposals.models import Proposal

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

    @property
    def narrowed(self) -> bool:
        """Whether filters other than the state leave channels out: the state counts are then
        for these filters, not the whole inventory."""
        return bool(
            self.unit or self.platform or self.review or self.attention or self.no_charter or self.q
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


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The trigram index answers substrings of three characters or more; shorter ones match so
# many channels that reading the table is as quick.
SEARCH_INDEX_MIN = 3


def search_condition(q: str) -> ColumnElement[bool]:
    """Channels whose name or handle contains ``q``, ignoring case, through an index.

    SQLite: the FTS5 trigram table ``channel_search`` (migration 0013; triggers keep it in
    step with ``channel``), asked for ``q`` as one phrase, which with trigrams is a substring.
    PostgreSQL: the same ``LIKE`` as without an index, which ``pg_trgm``'s GIN indexes on
    ``lower(name)`` and ``handle_key`` answer.
    """
    term = q.lower().lstrip("@")
    if len(term) >= SEARCH_INDEX_MIN and db.session.get_bind().dialect.name == "sqlite":
        phrase = '"' + term.replace('"', '""') + '"'
        matches = (
            select(literal_column("rowid"))
            .select_from(table("channel_search"))
            .where(text("channel_search MATCH :phrase").bindparams(phrase=phrase))
        )
        return Channel.id.in_(matches)
    pattern = f"%{_escape_like(term)}%"
    return or_(
        func.lower(Channel.name).like(pattern, escape="\\"),
        Channel.handle_key.like(pattern, escape="\\"),
    )


def conditions(
    filters: InventoryFilters, scope: list[int] | None, with_state: bool = True
) -> list[ColumnElement[bool]]:
    """The WHERE clauses for ``filters`` within ``scope``: on the channel table alone, so a
    count never needs to join anything."""
    where: list[ColumnElement[bool]] = []
    if scope is not None:
        where.append(Channel.business_unit_id.in_(scope))
    if filters.unit:
        where.append(Channel.business_unit_id == filters.unit)
    if filters.platform:
        where.append(Channel.platform == filters.platform)
    if with_state and filters.state:
        where.append(Channel.state == filters.state)
    if filters.no_charter:
        where.append(Channel.no_charter.is_(True))
    if filters.review:
        today = agency_today()
        where.append(Channel.state == ChannelState.ACTIVE.value)
        if filters.review == "overdue":
            where.append(Channel.review_due < today)
        else:
            where.append(Channel.review_due.between(today, today + timedelta(days=DUE_SOON_DAYS)))
    if filters.attention == "security-incomplete":
        where += [Channel.state == ChannelState.ACTIVE.value, Channel.security_complete.is_(False)]
    elif filters.attention == "policy-unmet":
        where += [Channel.state.not_in(CLOSED_STATES), Channel.people_problem != ""]
    if filters.q:
        where.append(search_condition(filters.q))
    return where


def filtered(filters: InventoryFilters, scope: list[int] | None, with_state: bool = True) -> Select:
    return select(Channel).where(*conditions(filters, scope, with_state))


def order_clauses(filters: InventoryFilters) -> list[ColumnElement]:
    """The inventory's order (ties broken by id, so pages never overlap); sorting by unit
    needs the business unit joined."""
    column = SORTS[filters.sort]
    primary = column.desc() if filters.direction == "desc" else column.asc()
    return [primary.nulls_last(), Channel.id]


def ordered(query: Select, filters: InventoryFilters) -> Select:
    if filters.sort == "unit":
        # The unit's name to sort by; the unit shown comes from the eager load as always.
        query = query.join(BusinessUnit, BusinessUnit.id == Channel.business_unit_id)
    return query.order_by(*order_clauses(filters))


def count_filtered(filters: InventoryFilters, scope: list[int] | None) -> int:
    return db.session.scalar(select(func.count(Channel.id)).where(*conditions(filters, scope)))


@dataclass
class Page:
    channels: list[Channel]
    total: int
    page: int
    pages: int
    counts: dict[str, int]
    everything: int  # channels in the scope, whatever the filters: what "of N" counts


def inventory_page(filters: InventoryFilters, scope: list[int] | None) -> Page:
    """One page of the filtered inventory and counts per state: two queries, whatever the
    size. The counts ignore the state filter (they are the state tabs), so the total is the
    chosen state's count, or all of them."""
    counts = {s.value: 0 for s in ChannelState}
    for state, count in db.session.execute(
        select(Channel.state, func.count(Channel.id))
        .where(*conditions(filters, scope, with_state=False))
        .group_by(Channel.state)
    ):
        counts[state] = count
    total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
    everything = sum(counts.values())
    if filters.narrowed:
        in_scope = conditions(InventoryFilters(), scope)
        everything = db.session.scalar(select(func.count(Channel.id)).where(*in_scope))
    pages = max(1, -(-total // filters.per_page))
    page = min(filters.page, pages)
    channels = list(
        db.session.scalars(
            ordered(filtered(filters, scope), filters)
            .limit(filters.per_page)
            .offset((page - 1) * filters.per_page)
        ).unique()
    )
    return Page(channels, total, page, pages, counts, everything)


def channel_people(channel: Channel) -> dict[str, Any]:
    """The people named in the approved content (spokespeople, reviewers...), for display."""
    if not channel.proposal_id:
        return {}
    from registry.proposals import presenters

    content = db.session.get(Proposal, channel.proposal_id).current_revision.content
    names = presenters.Names(content)
    return {
        _("Communications liaison"): names.display("liaison_id", content),
        _("Authorised spokespeople"): names.display("spokespeople_ids", content),
        _("Peer reviewers"): names.display("peer_reviewer_ids", content),
        _("Information requests contact"): names.display("information_contact_id", content),
    }


def reviews_of(channel: Channel) -> list[ChannelReview]:
    return list(
        db.session.scalars(
            select(ChannelReview)
            .where(ChannelReview.channel_id == channel.id)
            .order_by(ChannelReview.reviewed_at.desc())
        ).unique()
    )


TIMELINE_LABELS = {
    "proposal-created": _l("Proposed"),
    "proposal-saved": _l("Proposal edited"),
    "proposal-submitted": _l("Submitted for sign-off"),
    "proposal-withdrawn": _l("Proposal withdrawn"),
    "signoff-approve": _l("Signed off"),
    "signoff-request-changes": _l("Changes requested"),
    "proposal-change-reply": _l("Proposer replied to the change request"),
    "signoff-decline": _l("Declined"),
    "channel-approved": _l("Approved"),
    "charter-issued": _l("Charter issued"),
    "charter-failed": _l("Charter could not be produced"),
    "channel-live": _l("Marked as live"),
    "channel-review-attested": _l("Attested to the review"),
    "channel-recertified": _l("Reviewed and recertified"),
    "channel-closure-asked": _l("Asked the Communications team to close it"),
    "channel-change-started": _l("Change started"),
    "channel-closing": _l("Closed: closing checklist started"),
    "closure-item-ticked": _l("Closing checklist item ticked"),
    "closure-item-unticked": _l("Closing checklist item unticked"),
    "channel-decommissioned": _l("Decommissioned"),
    "channel-security-risk-accepted": _l("Account-security risk accepted"),
    "channel-closure-scheduled": _l("Closure scheduled"),
    "channel-closure-cancelled": _l("Scheduled closure cancelled"),
    "channels-imported": _l("Imported from the Communications team's spreadsheet"),
    "information-request-logged": _l("Information request logged"),
    "information-request-extended": _l("Information request extended"),
    "information-request-transferred": _l("Information request transferred"),
    "information-request-responded": _l("Information request answered"),
    "account-security-saved": _l("Account security record updated"),
    "channel-people-flagged": _l("People left: reassignment needed"),
    "channel-flagged": _l("Flagged by the daily check"),
    "channel-flag-resolved": _l("Check flag resolved"),
    "channel-flag-closed-by-check": _l("Check flag closed: a later check found the channel fine"),
    "channel-account-id-set": _l("Platform account id changed"),
    "channel-page-name-read": _l("Name on the platform first read by the daily check"),
}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    label: str
    actor: str
    lines: list[str]  # what the row says, in sentences


def timeline(channel: Channel) -> list[TimelineEvent]:
    """The channel's history, from the audit log: its proposals, sign-offs, charters and life."""
    from registry.audit.models import AuditEntry
    from registry.charters.models import Charter
    from registry.inventory.history import causal_order, describe

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
    entries = causal_order(list(db.session.scalars(select(AuditEntry).where(or_(*conditions)))))
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    names = dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids))).all()
    )
    return [
        TimelineEvent(
            entry.occurred_at,
            str(TIMELINE_LABELS.get(entry.action, entry.action)),
            names.get(entry.actor_id, escape_invisible(entry.actor_label)),
            describe(entry, channel.started_on),
        )
        for entry in entries
    ]


def current_charter(channel: Channel):  # noqa: ANN201
    from registry.charters.models import Charter

    if not channel.proposal_id:
        return None
    return db.session.scalar(select(Charter).where(Charter.proposal_id == channel.proposal_id))
