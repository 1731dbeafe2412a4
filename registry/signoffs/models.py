"""Sign-off decisions: each bound to the exact revision (number and content hash) it was about."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.auth.models import BusinessUnit, Office, User
from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow

# The three offices whose express permission the policy requires.
SIGNING_OFFICES = (Office.MANAGER_COMMUNICATIONS, Office.DCE, Office.CHIEF_EXECUTIVE)


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    DECLINE = "decline"

    @property
    def label(self) -> str:
        return {
            Decision.APPROVE: _("Approved"),
            Decision.REQUEST_CHANGES: _("Changes requested"),
            Decision.DECLINE: _("Declined"),
        }[self]


_LIVE_APPROVAL = "decision = 'approve' AND void = false"
_LIVE_APPROVAL_SQLITE = "decision = 'approve' AND void = 0"


class Signoff(db.Model):
    __tablename__ = "signoff"
    __table_args__ = (
        # The database, not just the code, guarantees one live approval per capacity and one
        # per person on a proposal: two people (or tabs) racing cannot both win.
        Index(
            "uq_signoff_live_capacity",
            "proposal_id",
            "office",
            unique=True,
            sqlite_where=text(_LIVE_APPROVAL_SQLITE),
            postgresql_where=text(_LIVE_APPROVAL),
        ),
        Index(
            "uq_signoff_live_signer",
            "proposal_id",
            "signer_id",
            unique=True,
            sqlite_where=text(_LIVE_APPROVAL_SQLITE),
            postgresql_where=text(_LIVE_APPROVAL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(20))
    office: Mapped[str] = mapped_column(String(40))
    business_unit_id: Mapped[int | None] = mapped_column(ForeignKey("business_unit.id"))
    acting: Mapped[bool] = mapped_column(Boolean, default=False)
    # As it reads on the charter, fixed at signing: "Acting Chief Executive".
    capacity: Mapped[str] = mapped_column(String(300))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(String(300), default="")

    signer: Mapped[User] = relationship(lazy="joined")
    business_unit: Mapped[BusinessUnit | None] = relationship(lazy="joined")

    @property
    def decision_enum(self) -> Decision:
        return Decision(self.decision)

    @property
    def office_enum(self) -> Office:
        return Office(self.office)


class ChangeReply(db.Model):
    """The proposer's answer to a "Request changes" comment, for the signatories to read."""

    __tablename__ = "change_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    # The request-changes decision this answers.
    signoff_id: Mapped[int] = mapped_column(ForeignKey("signoff.id"), index=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
