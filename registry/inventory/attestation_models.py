"""A channel's yearly review as two attestations, and the reminders sent about it.

A review cycle is the channel's ``review_cycle`` number (with the ``review_due`` it had,
kept for the record): the attestations and reminders of one cycle share it, and recertifying
starts the next.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.auth.models import User
from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class AttestationRole(enum.StrEnum):
    OWNER = "owner"  # the proposer the channel runs under, or the unit's DCE
    LIAISON = "liaison"  # the Communications liaison, or the Communications team

    @property
    def label(self) -> str:
        return str(
            {
                AttestationRole.OWNER: _l("the business unit's owner"),
                AttestationRole.LIAISON: _l("the Communications liaison"),
            }[self]
        )

    @property
    def heading(self) -> str:
        """The label to start a sentence or a table row with."""
        return str(
            {
                AttestationRole.OWNER: _l("The business unit's owner"),
                AttestationRole.LIAISON: _l("The Communications liaison"),
            }[self]
        )


class ReviewAttestation(db.Model):
    """One person's statement, in one capacity, that the channel is still needed and run as
    chartered. Two per cycle (owner and liaison), from two different people: the database
    refuses a second one for the same role, and a second one by the same person."""

    __tablename__ = "review_attestation"
    __table_args__ = (
        UniqueConstraint("channel_id", "cycle", "role", name="uq_review_attestation_role"),
        UniqueConstraint("channel_id", "cycle", "attester_id", name="uq_review_attestation_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    cycle: Mapped[int] = mapped_column(Integer)
    cycle_due: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(10))
    attester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(300))  # "Acting Deputy Chief Executive, Policy"
    acting: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_name: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    attested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attester: Mapped[User] = relationship(lazy="joined")

    @property
    def role_enum(self) -> AttestationRole:
        return AttestationRole(self.role)


# The reminder thresholds, in days before review_due; ESCALATED marks the overdue escalation.
REMINDER_DAYS = (30, 14, 0)
ESCALATED = -1


class ReviewReminder(db.Model):
    """A reminder sent (queued) for one cycle, audience and threshold: the daily run looks
    here first, so each goes once however often the run runs."""

    __tablename__ = "review_reminder"
    __table_args__ = (
        UniqueConstraint(
            "channel_id",
            "cycle",
            "cycle_due",
            "audience",
            "threshold",
            name="uq_review_reminder_once",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    cycle: Mapped[int] = mapped_column(Integer)
    # The review_due the reminder counted to: if a change's approval moves it, the reminders
    # count to the new date.
    cycle_due: Mapped[date] = mapped_column(Date)
    audience: Mapped[str] = mapped_column(String(20))  # owner | liaison | manager
    threshold: Mapped[int] = mapped_column(Integer)  # 30, 14, 0; ESCALATED for the manager
    recipients: Mapped[str] = mapped_column(Text, default="")  # the addresses it went to
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
