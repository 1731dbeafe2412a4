"""The social media transparency statement's versions, and the PDF of each in each language.

A version is never changed once written: its snapshot (canonical JSON) and that snapshot's
SHA-256 are what the public read at its address, and on PostgreSQL a trigger refuses any
UPDATE or DELETE of it (migration 0021).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db
from registry.timeutil import UTCDateTime, utcnow


class StatementVersion(db.Model):
    __tablename__ = "statement_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 1, 2, 3...: the public address of each version (/transparency/versions/<number>).
    number: Mapped[int] = mapped_column(Integer, unique=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why it was made, for the Communications team ("MEC-0007 went live", "introduction").
    reason: Mapped[str] = mapped_column(String(300), default="")
    snapshot_json: Mapped[str] = mapped_column(Text)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    # Also inside the snapshot; kept here so the introduction form starts from the last one.
    introduction_en: Mapped[str] = mapped_column(Text, default="")
    introduction_mi: Mapped[str] = mapped_column(Text, default="")

    @property
    def snapshot(self) -> dict[str, Any]:
        return json.loads(self.snapshot_json)


class StatementPdf(db.Model):
    """A version's PDF in one language, rendered once by a job and kept: the same version
    always renders to these bytes."""

    __tablename__ = "statement_pdf"
    __table_args__ = (UniqueConstraint("version_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("statement_version.id"))
    language: Mapped[str] = mapped_column(String(5))
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
