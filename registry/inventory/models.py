"""The inventory: every channel the agency runs (or ran), its state and its reviews."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.auth.models import User
from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class ChannelReview(db.Model):
    """A yearly review and what came of it. A recertification names both attesters (the
    owner and the liaison, see ``attestation_models``); ``reviewer`` gave the second."""

    __tablename__ = "channel_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    still_needed: Mapped[bool] = mapped_column(Boolean)
    terms_accurate: Mapped[bool] = mapped_column(Boolean)
    hours_kept: Mapped[bool] = mapped_column(Boolean)
    spokespeople_right: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(
        String(30)
    )  # recertified | change-started | decommissioned | closure-scheduled | closure-asked
    next_review_due: Mapped[date | None] = mapped_column(Date)
    owner_attester_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    liaison_attester_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    reviewer: Mapped[User] = relationship(lazy="joined", foreign_keys=[reviewer_id])
    owner_attester: Mapped[User | None] = relationship(
        lazy="joined", foreign_keys=[owner_attester_id]
    )
    liaison_attester: Mapped[User | None] = relationship(
        lazy="joined", foreign_keys=[liaison_attester_id]
    )


class ClosureItem(db.Model):
    """One item of a closing channel's checklist (``inventory.checklist`` names them), and who
    ticked it when. Made for every item when the channel starts closing; a channel
    decommissioned before the checklist existed has none."""

    __tablename__ = "closure_item"
    __table_args__ = (UniqueConstraint("channel_id", "item", name="uq_closure_item_channel_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    item: Mapped[str] = mapped_column(String(30))  # final-post | profile | handle | records ...
    ticked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ticked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Who ticked it when no person did: the registry itself, for the automatic item.
    ticked_by_label: Mapped[str] = mapped_column(String(100), default="")
    # What the person ticking it entered (JSON object: the final post's address...).
    details_json: Mapped[str] = mapped_column(Text, default="{}")

    ticked_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def ticked(self) -> bool:
        return self.ticked_at is not None

    @property
    def details(self) -> dict[str, str]:
        import json

        return dict(json.loads(self.details_json or "{}"))


class SecurityRiskAcceptance(db.Model):
    """The Manager Communications accepting the risk of one go-live or recertification while
    the account-security checklist fails. Used once: the next such action needs its own."""

    __tablename__ = "security_risk_acceptance"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # go-live | recertify
    accepted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    capacity: Mapped[str] = mapped_column(String(300))  # "Acting Manager Communications"
    acting: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text)
    # The checklist items that failed when the risk was accepted (JSON list of labels).
    failing_json: Mapped[str] = mapped_column(Text, default="[]")
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    accepted_by: Mapped[User] = relationship(lazy="joined", foreign_keys=[accepted_by_id])
    used_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[used_by_id])

    @property
    def failing(self) -> list[str]:
        import json

        return list(json.loads(self.failing_json or "[]"))


class ImportBatchStatus(enum.StrEnum):
    PENDING = "pending"  # submitted; waiting for the Manager Communications
    CONFIRMED = "confirmed"  # its channels are in the inventory
    REFUSED = "refused"  # by the Manager Communications, or its rows no longer passed
    CANCELLED = "cancelled"  # withdrawn before anyone decided

    @property
    def label(self) -> str:
        return {
            ImportBatchStatus.PENDING: _("Waiting for the Manager Communications"),
            ImportBatchStatus.CONFIRMED: _("Confirmed"),
            ImportBatchStatus.REFUSED: _("Refused"),
            ImportBatchStatus.CANCELLED: _("Cancelled"),
        }[self]


class ImportBatch(db.Model):
    """A spreadsheet of existing channels submitted on the web: its checked rows wait here,
    in no inventory and on no public page, until the Manager Communications (not the person
    who submitted it) confirms them. No one person brings an official channel into being."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64))  # of the uploaded file's bytes
    row_count: Mapped[int] = mapped_column(Integer)
    # The checked rows: [{"line": 2, "cells": {column: cleaned text}}, ...] (see csv_import).
    rows_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it was refused or cancelled (the Manager Communications' words, or the row errors).
    reason: Mapped[str] = mapped_column(Text, default="")

    submitted_by: Mapped[User] = relationship(lazy="joined", foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[decided_by_id])

    @property
    def status_enum(self) -> ImportBatchStatus:
        return ImportBatchStatus(self.status)

    @property
    def reference(self) -> str:
        return f"IMP-{self.id:04d}"
