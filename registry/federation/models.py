"""A subscription to another agency's published register, and the channels its last verified
document listed (kept until a newer document verifies: a refused one replaces nothing)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class Refusal(enum.StrEnum):
    """Why a fetched feed was not used. The last good copy stays in use whatever the reason."""

    UNREACHABLE = "unreachable"  # no answer, an error status, or a redirect to another host
    TOO_LARGE = "too-large"
    UNSIGNED = "unsigned"  # no signature with it, or one that is not ours to read
    WRONG_KEY = "wrong-key"  # signed, but by a key other than the one the admin set
    BAD_SIGNATURE = "bad-signature"  # the stored key's id, but the bytes do not match it
    MALFORMED = "malformed"  # verified, but not a channels document we can read

    @property
    def label(self) -> str:
        return {
            Refusal.UNREACHABLE: _("Unreachable"),
            Refusal.TOO_LARGE: _("Too large"),
            Refusal.UNSIGNED: _("Not signed"),
            Refusal.WRONG_KEY: _("Signed with another key"),
            Refusal.BAD_SIGNATURE: _("Bad signature"),
            Refusal.MALFORMED: _("Malformed document"),
        }[self]


class Subscription(db.Model):
    __tablename__ = "agency_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_name: Mapped[str] = mapped_column(String(200))
    # Where the public is sent to check the agency's list for themselves.
    register_url: Mapped[str] = mapped_column(String(500))
    feed_url: Mapped[str] = mapped_column(String(500))
    # The raw 32-byte Ed25519 public key, base64, and its key id: the only key whose
    # signature makes a fetched document usable.
    public_key: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(64))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel_count: Mapped[int] = mapped_column(Integer, default=0)
    # The last refusal stays on the admin page until a document verifies again.
    last_refusal: Mapped[str | None] = mapped_column(String(40))
    last_refusal_detail: Mapped[str | None] = mapped_column(Text)
    last_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    channels: Mapped[list[AgencyChannel]] = relationship(
        back_populates="subscription",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AgencyChannel.name",
    )

    @property
    def refusal_enum(self) -> Refusal | None:
        try:
            return Refusal(self.last_refusal) if self.last_refusal else None
        except ValueError:
            return None

    @property
    def refused_since_verified(self) -> bool:
        """The latest fetch was refused (not an older one, since superseded)."""
        if self.last_refused_at is None:
            return False
        return self.last_verified_at is None or self.last_refused_at >= self.last_verified_at


class AgencyChannel(db.Model):
    """One channel from another agency's verified document, as it listed it."""

    __tablename__ = "agency_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("agency_subscription.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    # The platform's key ("facebook"), which the address check reads, and its name as the
    # agency wrote it (an "Other" platform's own name).
    platform: Mapped[str] = mapped_column(String(40))
    platform_label: Mapped[str] = mapped_column(String(200))
    handle: Mapped[str] = mapped_column(String(300))
    channel_url: Mapped[str] = mapped_column(Text, default="")
    # The lookup reads through these, as it does for our own channels.
    handle_key: Mapped[str] = mapped_column(String(200), index=True)
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    # Official (active, or closing on closes_on), or closed on closes_on (if the agency said).
    official: Mapped[bool] = mapped_column(Boolean, default=True)
    closes_on: Mapped[date | None] = mapped_column(Date)
    # The agency's own register page for this channel, when it is on the register's host.
    register_url: Mapped[str] = mapped_column(Text, default="")

    subscription: Mapped[Subscription] = relationship(back_populates="channels")
