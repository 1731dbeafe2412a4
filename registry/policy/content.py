"""What the policy rules look at: a plain snapshot of one proposal revision.

Pure Python (no Flask, no database): the proposals package builds a ProposalContent from
the stored revision, and the rules read only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Agency:
    name: str = "Ministry for Ethnic Communities"
    te_reo_name: str = "Te Tari Mātāwaka"
    domain: str = "ethniccommunities.govt.nz"
    timezone: str = "Pacific/Auckland"


@dataclass(frozen=True)
class Person:
    """A registry user as the rules see them."""

    id: int
    name: str
    active: bool = True
    in_communications_team: bool = False


@dataclass(frozen=True)
class MonitoringWindow:
    """A weekly window when someone watches the channel, in agency-local (NZ) time.

    ``weekday`` is 0 (Monday) to 6 (Sunday). A window ends on the day it starts.
    """

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class RelatedChannel:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class SignoffFact:
    """A sign-off on the revision being checked (filled in by the sign-off workflow)."""

    office: str  # "manager-communications" | "dce" | "chief-executive"
    signer_id: int
    signer_name: str
    acting: bool = False
    business_unit_id: int | None = None


@dataclass(frozen=True)
class ProposalContent:
    channel_name: str = ""
    platform: str = ""
    platform_other: str = ""
    handle: str = ""
    channel_url: str = ""
    business_unit_id: int | None = None
    purpose: str = ""
    audience: str = ""
    languages: tuple[str, ...] = ()
    terms_of_use: str = ""
    monitoring_windows: tuple[MonitoringWindow, ...] = ()
    out_of_hours_message: str = ""
    profile_statement: str = ""
    profile_links: tuple[str, ...] = ()
    related_channels: tuple[RelatedChannel, ...] = ()
    no_related_reason: str = ""
    liaison: Person | None = None
    spokespeople: tuple[Person, ...] = ()
    peer_reviewers: tuple[Person, ...] = ()
    information_contact: Person | None = None
    neutrality_confirmed: bool = False
    proposer: Person | None = None
    signoffs: tuple[SignoffFact, ...] = field(default_factory=tuple)
