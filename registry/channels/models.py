"""A channel of the agency's: the record every other package points at (its address,
handle, state and people), below the proposals that create and change it."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from registry.auth.models import BusinessUnit, User
from registry.extensions import db
from registry.policy.accounts import name_key
from registry.policy.platforms import channel_url_problem
from registry.timeutil import UTCDateTime, utcnow


class ChannelState(enum.StrEnum):
    APPROVED = "approved"  # signed off, not yet live
    ACTIVE = "active"
    # Closed from its closing date (no longer official or monitored) while the Communications
    # team works through the closing checklist; it still holds its handle.
    CLOSING = "closing"
    DECOMMISSIONED = "decommissioned"  # every closing checklist item done

    @property
    def label(self) -> str:
        return {
            ChannelState.APPROVED: _("Approved, not live yet"),
            ChannelState.ACTIVE: _("Active"),
            ChannelState.CLOSING: _("Closing"),
            ChannelState.DECOMMISSIONED: _("Decommissioned"),
        }[self]

    @property
    def closed(self) -> bool:
        """Past its closing date: no longer official, monitored or reviewed."""
        return self in (ChannelState.CLOSING, ChannelState.DECOMMISSIONED)


# The states of a channel past its closing date, for queries ("current" channels are the rest).
CLOSED_STATES = (ChannelState.CLOSING.value, ChannelState.DECOMMISSIONED.value)


NAME_KEY_LENGTH = 200


def stored_name_key(name: str) -> str:
    """The indexed form of a name for "is this official?": ``name_key`` cut to the column's
    length (a decomposed name can be longer than the name). A cut key can only find too many
    channels, never too few: the lookup compares the whole key afterwards."""
    return name_key(name)[:NAME_KEY_LENGTH]


def _name_key_default(context) -> str:  # noqa: ANN001
    # Bulk INSERTs (the CSV import) set the name without the ORM: the key follows it here.
    return stored_name_key(context.get_current_parameters().get("name") or "")


class Channel(db.Model):
    __tablename__ = "channel"
    __table_args__ = (
        # A platform + handle belongs to one live channel; a decommissioned one frees it. A
        # closing one still holds it: the checklist decides whether it is kept or released.
        Index(
            "uq_channel_live_handle",
            "platform",
            "handle_key",
            unique=True,
            sqlite_where=text("state != 'decommissioned'"),
            postgresql_where=text("state != 'decommissioned'"),
        ),
        Index("ix_channel_state_review_due", "state", "review_due"),
        # The dashboard's counts read these indexes alone (migration 0013, which also adds
        # the search index: SQLite's FTS5 table, PostgreSQL's pg_trgm indexes).
        Index("ix_channel_state_unit", "state", "business_unit_id"),
        Index("ix_channel_state_platform", "state", "platform"),
        # The public register's page in its order, and its count (migration 0015).
        Index("ix_channel_register_order", "state", "platform", "name", "id"),
        Index("ix_channel_state_closure", "state", "closure_scheduled_on"),
        # The dashboard's breakdown by state, unit and platform, in one pass (also 0015).
        Index("ix_channel_state_unit_platform", "state", "business_unit_id", "platform"),
        # A DCE's reviews due, in their units (also 0015).
        Index("ix_channel_unit_state_review_due", "business_unit_id", "state", "review_due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # The name as the public lookup compares it (macrons, case and punctuation ignored), so
    # "is this official?" finds a name through an index instead of reading every channel.
    name_key: Mapped[str] = mapped_column(
        String(NAME_KEY_LENGTH), default=_name_key_default, server_default="", index=True
    )
    platform: Mapped[str] = mapped_column(String(40), index=True)
    platform_other: Mapped[str] = mapped_column(String(100), default="")
    handle: Mapped[str] = mapped_column(String(200))
    handle_key: Mapped[str] = mapped_column(String(200), index=True)
    channel_url: Mapped[str] = mapped_column(String(500), default="")
    # The platform's own id for the account (typed by the Communications team from the
    # platform's page): a handle can be renamed or taken over, the id stays with the account.
    platform_account_id: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The name the channel's page showed when the daily check last found it fine (or the
    # Communications team accepted a new one): "" until the first check.
    platform_page_name: Mapped[str] = mapped_column(String(300), default="", server_default="")
    business_unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"), index=True)
    liaison_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(20), index=True)
    # Imported from the Communications team's spreadsheet: no charter until (re)approved.
    no_charter: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # The proposal whose approval the channel now runs under (None for an imported channel).
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    started_on: Mapped[date | None] = mapped_column(Date)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    went_live_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_due: Mapped[date | None] = mapped_column(Date, index=True)
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which review cycle the channel is in: each recertification (and each approval of a
    # change, which sets a new review_due) starts the next. Attestations and reminders
    # belong to one cycle; a date alone cannot name it (recertifying on the day a change was
    # approved gives the same review_due twice).
    review_cycle: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The closing date: official until then; set when the channel starts closing.
    decommissioned_on: Mapped[date | None] = mapped_column(Date)
    decommission_reason: Mapped[str] = mapped_column(Text, default="")
    # The languages the approved proposal says the channel posts in, one per line, for the
    # public register ("posts in Samoan and English"); "" for an imported channel.
    languages: Mapped[str] = mapped_column(Text, default="", server_default="")
    # ",3,7,12," — everyone the approved content names (liaison, spokespeople, reviewers,
    # information-requests contact), so a departing person's channels are found with LIKE.
    people_ids: Mapped[str] = mapped_column(String(1000), default="")
    # Why the people rules (SMP-COMMS, -SPOKESPEOPLE, -PEER-REVIEW, -OIA) no longer hold; "" if
    # they do. Recomputed when people leave, and nightly.
    people_problem: Mapped[str] = mapped_column(Text, default="")
    security_complete: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # A closing date in the future is scheduled, not immediate: the channel stays active
    # until ``flask registry remind`` runs on or after this day, then starts closing.
    closure_scheduled_on: Mapped[date | None] = mapped_column(Date, index=True)
    closure_reason: Mapped[str] = mapped_column(Text, default="")
    closure_scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    business_unit: Mapped[BusinessUnit] = relationship(lazy="joined")
    liaison: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[liaison_id])

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = stored_name_key(name or "")
        return name

    @property
    def language_list(self) -> list[str]:
        return [language for language in self.languages.split("\n") if language]

    @property
    def state_enum(self) -> ChannelState:
        return ChannelState(self.state)

    @property
    def reference(self) -> str:
        return f"C-{self.id:04d}"

    @property
    def url_problem(self) -> str | None:
        """What is wrong with the stored address (one stored before the Channel URL check,
        say), in the check's words; None when it passes or there is none."""
        url = self.channel_url or ""
        return channel_url_problem(self.platform, self.handle, url) if url else None

    @property
    def vouched_url(self) -> str:
        """The address, if it passes the Channel URL check; "" for one stored before the check
        that fails it, so the registry never vouches for a lookalike as the agency's."""
        return "" if self.url_problem else (self.channel_url or "")
