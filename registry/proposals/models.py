"""Proposals for new channels, edited in revisions.

A revision's content is kept as canonical JSON so that what was checked, submitted and
signed can be hashed and shown again exactly. The columns on Proposal repeat the few
fields that lists and duplicate checks query.
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.auth.models import BusinessUnit, User
from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class ProposalState(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_SIGNOFF = "awaiting-signoff"
    CHANGES_REQUESTED = "changes-requested"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    ProposalState.DRAFT: _l("Draft"),
    ProposalState.AWAITING_SIGNOFF: _l("Awaiting sign-off"),
    ProposalState.CHANGES_REQUESTED: _l("Changes requested"),
    ProposalState.APPROVED: _l("Approved"),
    ProposalState.DECLINED: _l("Declined"),
    ProposalState.WITHDRAWN: _l("Withdrawn"),
}

# States in which a proposal claims its platform and handle. Once approved, the channel
# it created holds the claim instead (see channels.models.Channel).
CLAIMING_STATES = (
    ProposalState.DRAFT,
    ProposalState.AWAITING_SIGNOFF,
    ProposalState.CHANGES_REQUESTED,
)


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def people_ids_of(content: dict[str, Any]) -> str:
    """The ids of everyone the content names, as ",3,7," so a LIKE '%,3,%' finds them."""
    ids = {content.get("liaison_id"), content.get("information_contact_id")}
    ids |= set(content.get("spokespeople_ids", [])) | set(content.get("peer_reviewer_ids", []))
    ids.discard(None)
    return "," + ",".join(str(i) for i in sorted(ids)) + "," if ids else ""


class Proposal(db.Model):
    __tablename__ = "proposal"
    __table_args__ = (
        # One live claim per platform + handle, enforced by the database so two people
        # saving at once cannot both win. Blank handles (not chosen yet) do not claim.
        Index(
            "uq_proposal_live_handle",
            "platform",
            "handle_key",
            unique=True,
            sqlite_where=text(
                "handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested')"
            ),
            postgresql_where=text(
                "handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested')"
            ),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_unit_id: Mapped[int] = mapped_column(ForeignKey("business_unit.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    state: Mapped[str] = mapped_column(String(30), default=ProposalState.DRAFT.value, index=True)
    channel_name: Mapped[str] = mapped_column(String(200), default="")
    platform: Mapped[str] = mapped_column(String(40), default="")
    handle: Mapped[str] = mapped_column(String(200), default="")
    handle_key: Mapped[str] = mapped_column(String(200), default="")
    # Bumped by every save; a form carries the version it was loaded at (optimistic lock).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the proposal changes an existing channel rather than creating one.
    # use_alter: channel and proposal refer to each other.
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("channel.id", use_alter=True), index=True
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    business_unit: Mapped[BusinessUnit] = relationship(lazy="joined")
    proposer: Mapped[User] = relationship(lazy="joined", foreign_keys=[proposer_id])
    revisions: Mapped[list[ProposalRevision]] = relationship(
        back_populates="proposal", order_by="ProposalRevision.number"
    )

    @property
    def state_enum(self) -> ProposalState:
        return ProposalState(self.state)

    @property
    def reference(self) -> str:
        return f"P-{self.id:04d}"

    @property
    def current_revision(self) -> ProposalRevision:
        return self.revisions[-1]

    @property
    def title(self) -> str:
        return self.channel_name or f"Untitled proposal {self.reference}"


class ProposalRevision(db.Model):
    __tablename__ = "proposal_revision"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_json: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # Once submitted a revision never changes; a later edit makes a new revision.
    submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(back_populates="revisions")
    created_by: Mapped[User] = relationship(lazy="joined")

    @property
    def content(self) -> dict[str, Any]:
        return json.loads(self.content_json)

    def set_content(self, content: dict[str, Any]) -> None:
        if self.submitted:
            raise RuntimeError("a submitted revision is immutable")
        self.content_json = canonical_json(content)
        self.content_sha256 = content_hash(content)


class FormStash(db.Model):
    """What someone typed when their session had expired, kept until they sign in again."""

    __tablename__ = "form_stash"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    path: Mapped[str] = mapped_column(String(300))
    body_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The person whose session it was: only they get it back.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
