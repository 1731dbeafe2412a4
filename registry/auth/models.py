"""People, business units and the offices they hold (appointments)."""

from __future__ import annotations

import enum
import re
import unicodedata
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow

# Unicode categories no one types on purpose in an email: controls, format (zero-width
# spaces, joiners, direction marks), unassigned, private use and surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


class Office(enum.StrEnum):
    """Offices named in the policy, plus the two registry roles. Values are the CLI's words."""

    MANAGER_COMMUNICATIONS = "manager-communications"
    CHIEF_EXECUTIVE = "chief-executive"
    DCE = "dce"
    COMMUNICATIONS_TEAM = "communications-team"
    ADMIN = "admin"

    @property
    def title(self) -> str:
        return OFFICE_TITLES[self]

    @property
    def single_holder(self) -> bool:
        """Offices one person holds at a time (per business unit for a DCE)."""
        return self in {Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE, Office.DCE}

    @property
    def needs_unit(self) -> bool:
        return self is Office.DCE

    @property
    def needs_second_admin(self) -> bool:
        """Made on the admin pages, takes effect only when a second administrator confirms it:
        the signing offices, and the admin office itself (or an administrator could appoint a
        second account of her own to confirm her requests)."""
        return self is not Office.COMMUNICATIONS_TEAM


OFFICE_TITLES = {
    Office.MANAGER_COMMUNICATIONS: "Manager Communications",
    Office.CHIEF_EXECUTIVE: "Chief Executive",
    Office.DCE: "Deputy Chief Executive",
    Office.COMMUNICATIONS_TEAM: "Communications team",
    Office.ADMIN: "Registry administrator",
}


class BusinessUnit(db.Model):
    __tablename__ = "business_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<BusinessUnit {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # None until the person sets one from their invitation link, and again after a reset:
    # administrators never know anyone's password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active_account: Mapped[bool] = mapped_column("active", Boolean, default=True)
    business_unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    # Bumped at sign-out and deactivation: every cookie issued before is refused.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    business_unit: Mapped[BusinessUnit | None] = relationship(lazy="joined")
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="user",
        order_by="Appointment.starts_on",
        foreign_keys="Appointment.user_id",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users.
        return self.is_active_account

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Appointment(db.Model):
    """A person holds an office from a start date to an optional end date (both inclusive,
    agency-local dates), substantively or acting.

    Made on the admin pages, an appointment to a signing office or the admin office is a
    request until a second administrator confirms it (two-person rule): pending or cancelled,
    it gives no power. ``requested_by`` is None for the operator's command line.
    """

    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    office: Mapped[str] = mapped_column(String(40), index=True)
    business_unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    acting: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(
        back_populates="appointments", lazy="joined", foreign_keys=[user_id]
    )
    business_unit: Mapped[BusinessUnit | None] = relationship(lazy="joined")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])

    @property
    def requested_at(self) -> datetime:
        return self.created_at

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None and self.cancelled_at is None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def in_force(self) -> bool:
        """Confirmed and not cancelled: the only kind that gives power (dates aside)."""
        return self.confirmed_at is not None and self.cancelled_at is None

    @property
    def office_enum(self) -> Office:
        return Office(self.office)

    @property
    def capacity(self) -> str:
        """How the holder signs: 'Acting Chief Executive', 'Deputy Chief Executive, Policy'."""
        title = self.office_enum.title
        if self.business_unit is not None:
            title = f"{title}, {self.business_unit.name}"
        return f"Acting {title}" if self.acting else title

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PasswordLink(db.Model):
    """A one-time link emailed to a person to set their own password: an invitation for a new
    account, or a reset. Only the SHA-256 of the link's token is stored; the link is bound to
    its person and purpose, expires, works once, and a newer link voids the older ones."""

    __tablename__ = "password_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: the operator's command line.
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])

    def usable_at(self, moment: datetime) -> bool:
        return self.used_at is None and self.voided_at is None and moment < self.expires_at


def email_lookup_key(email: str) -> str:
    """The one form of an email that finds an account and names its sign-in throttle.

    Invisible characters (controls, zero-width and other format characters) and compatibility
    forms (full-width letters) are folded away, so "victim@x" followed by a NUL or a
    zero-width space is the same account and the same throttle bucket, not a fresh one.
    """
    if email.isascii():
        # ASCII is its own NFKC form, and its only invisible characters are controls.
        return _ASCII_CONTROLS.sub("", email).strip().lower()
    folded = unicodedata.normalize("NFKC", email)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) not in _INVISIBLE)
    return folded.strip().lower()
