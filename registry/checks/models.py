"""The daily channel check's records: each check of a channel's public page, and the flags
its findings raise until someone (or a later check) closes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.auth.models import User
from registry.channels.models import Channel
from registry.extensions import db
from registry.policy.channel_checks import CheckOutcome
from registry.timeutil import UTCDateTime, utcnow


class ChannelCheck(db.Model):
    """One check of a channel's page: when, the HTTP status, the final address, and what was
    read (its name, its own address, the account ids it names)."""

    __tablename__ = "channel_check"
    __table_args__ = (Index("ix_channel_check_channel_time", "channel_id", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(30))
    http_status: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str] = mapped_column(String(1000), default="")
    # {"title", "address", "account_ids", "truncated", "seen": {...}, "attempts"}
    read: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    @property
    def outcome_enum(self) -> CheckOutcome:
        return CheckOutcome(self.outcome)


class ChannelFlag(db.Model):
    """A finding about a channel, open until the Communications team resolves it (with a
    note) or a later check finds the channel fine again."""

    __tablename__ = "channel_flag"
    __table_args__ = (
        # A finding is flagged once: one open flag of each kind per channel.
        Index(
            "uq_channel_flag_open",
            "channel_id",
            "kind",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
        Index("ix_channel_flag_open", "closed_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    fingerprint: Mapped[str] = mapped_column(String(200), default="")
    seen: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_check_id: Mapped[int | None] = mapped_column(ForeignKey("channel_check.id"))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who resolved it; None with closed_by_check_id set: a later check found it fine.
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_by_check_id: Mapped[int | None] = mapped_column(ForeignKey("channel_check.id"))
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    channel: Mapped[Channel] = relationship(lazy="joined")
    closed_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[closed_by_id])

    @property
    def outcome_enum(self) -> CheckOutcome:
        return CheckOutcome(self.kind)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
