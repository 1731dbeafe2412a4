"""Each current channel's account security record: who can get into the platform account and
how it is protected."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class AccountSecurity(db.Model):
    """Who can get into the platform account and how it is protected (never the secret)."""

    __tablename__ = "account_security"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id"), unique=True)
    admin_user_ids: Mapped[str] = mapped_column(String(500), default="")  # "3,7"
    mfa_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    recovery_email: Mapped[str] = mapped_column(String(254), default="")
    credentials_reference: Mapped[str] = mapped_column(String(300), default="")
    last_access_review: Mapped[date | None] = mapped_column(Date)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def admin_ids(self) -> list[int]:
        return [
            int(part)
            for part in self.admin_user_ids.split(",")
            if part.isascii() and part.isdigit()
        ]


# The version of "no record yet": a page opened before anyone saved one.
NO_SECURITY_RECORD = "none"


def security_version(security: AccountSecurity | None) -> str:
    """What a page showed of the record, as a short token: a save from a page showing
    something else is refused, so one tab cannot silently undo another's finding."""
    if security is None:
        return NO_SECURITY_RECORD
    shown = "\x00".join(
        str(part)
        for part in (
            security.admin_user_ids,
            security.mfa_enabled,
            security.recovery_email,
            security.credentials_reference,
            security.last_access_review,
        )
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:16]
