"""Everything a charter shows, as plain values: built from the database, rendered to PDF.

No Flask, no database: the renderer and its tests use only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class ComplianceRow:
    rule_id: str
    title: str
    heading: str
    clause: str
    passed: bool
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignoffRow:
    name: str
    capacity: str  # as signed, e.g. "Acting Chief Executive"
    acting: bool
    signed_at: str  # already in NZ time, e.g. "25 Nov 2026, 10:43am NZDT"


@dataclass(frozen=True)
class CharterDocument:
    agency_name: str
    agency_te_reo_name: str
    agency_domain: str
    charter_number: str  # e.g. MEC-CH-2026-0007
    approved_at: datetime  # UTC; also the PDF's created/modified dates
    approved_at_local: str  # as shown, NZ time
    channel_name: str
    platform: str  # label, e.g. "Instagram" or "Other: Mastodon"
    handle: str
    channel_url: str
    business_unit: str
    purpose: str
    audience: str
    languages: tuple[str, ...]
    terms_of_use: str
    monitoring_hours: tuple[
        tuple[str, str, str], ...
    ]  # (day, from, to), e.g. ("Monday", "8:30am", "5:00pm")
    out_of_hours_message: str
    profile_statement: str
    profile_links: tuple[str, ...]
    related_channels: tuple[str, ...]
    no_related_reason: str
    liaison: str
    spokespeople: tuple[str, ...]
    peer_reviewers: tuple[str, ...]
    information_contact: str
    compliance: tuple[ComplianceRow, ...]
    signoffs: tuple[SignoffRow, ...]
    revision_number: int
    content_sha256: str
    review_due: date
    review_due_text: str  # e.g. "25 November 2027"
    verify_url: str  # <base URL>/charters/<number>/verify
    notes: tuple[str, ...] = field(default_factory=tuple)  # e.g. approved during an election period
