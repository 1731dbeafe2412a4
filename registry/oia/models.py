"""Requests for information received through a channel."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.auth.models import User
from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class InformationRequest(db.Model):
    __tablename__ = "information_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_on: Mapped[date] = mapped_column(Date)  # NZ date, the day the clock starts from
    requester: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[date] = mapped_column(Date, index=True)  # 20 working days, by the Act
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    transferred_on: Mapped[date | None] = mapped_column(Date)
    transferred_to: Mapped[str] = mapped_column(String(300), default="")
    responded_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    handler: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[handler_id])

    @property
    def effective_due_on(self) -> date:
        return self.extended_due_on or self.due_on

    @property
    def closed(self) -> bool:
        return self.responded_on is not None or self.transferred_on is not None

    @property
    def reference(self) -> str:
        return f"IR-{self.id:04d}"
