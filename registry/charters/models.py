"""Issued charters: the PDF, its hash, and the frozen content it was rendered from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.extensions import db
from registry.proposals.models import Proposal
from registry.timeutil import UTCDateTime, utcnow


class CharterSequence(db.Model):
    """The last charter number used in a year; numbers are never reused."""

    __tablename__ = "charter_sequence"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Charter(db.Model):
    __tablename__ = "charter"
    __table_args__ = (UniqueConstraint("year", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    # One charter per approved revision of a proposal.
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), unique=True)
    revision_number: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    # The document exactly as rendered (JSON), so a re-render never depends on today's data.
    document_json: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(lazy="joined")

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"
