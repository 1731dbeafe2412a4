"""The cast and the inputs both state machines draw from.

A small pool of people (so the same person turns up in many roles), a small pool of handles
(so proposals, channels and imports collide), and builders for proposal content and import
files that pass the policy or break it in one chosen way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from registry.audit.models import AuditEntry
from registry.auth.models import Appointment, Office, User
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.extensions import db
from registry.inventory.attestation_models import ReviewAttestation
from registry.inventory.models import ClosureItem, ImportBatch, SecurityRiskAcceptance
from registry.inventory.security_models import AccountSecurity
from registry.proposals.models import Proposal, ProposalRevision
from registry.signoffs.models import ChangeReply, Signoff
from tests import factories
from tests.proposal_data import TERMS

# Who is in the pool, by the name the machines use; extra people beyond the demo cast give
# the random choices a second admin to confirm with, a third unit and someone in no unit.
ROLES = (
    "admin",
    "admin2",
    "manager",
    "comms",
    "ce",
    "dce_policy",
    "dce_community",
    "acting_ce",
    "staff_policy",
    "staff_community",
    "staff_corporate",
    "staff_pacific",
    "drifter",
)
ADMINS = ("admin", "admin2")

# Handles differ only in case in places: the registry must see "MECAsia" and "mecasia" as one.
HANDLES = ("MECPasifika", "MECAsia", "mecasia", "MECAfrika", "MECLatAm", "MECEurope", "mecpasifika")

OFFICES = tuple(Office)
SIGNING = (Office.MANAGER_COMMUNICATIONS, Office.DCE, Office.CHIEF_EXECUTIVE)

# Ways a piece of proposal content can be wrong, each refused (or flagged) by some rule.
CONTENT_FLAWS = (
    None,
    None,
    None,
    None,
    None,
    None,
    "no-terms",
    "no-neutrality",
    "foreign-website",
    "evil-url",
    "http-url",
)

# Channel URLs offered at go-live: the right one, and lookalikes the URL rule must refuse.
URL_KINDS = ("good", "good", "evil-host", "http", "other-handle", "blank", "userinfo")


@dataclass
class World:
    """Ids of the pool (never ORM objects: every transaction expires those)."""

    units: dict[str, int]
    people: dict[str, int]
    # Signed-in test clients and API tokens, kept to prove they stop working.
    sessions: dict[int, Any] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)
    # Users who were deactivated at some point after their session/token was issued.
    deactivated_since_issue: set[int] = field(default_factory=set)
    # Each transparency statement version's snapshot as first seen: it must never change.
    statement_versions: dict[int, str] = field(default_factory=dict)

    def user(self, role: str) -> User:
        return db.session.get(User, self.people[role])


def build_world() -> World:
    """The demo cast, plus a second admin, someone in no unit, and a Pacific unit whose DCE
    is the Acting Chief Executive (one person, two of the three offices)."""
    cast = factories.create_people()
    pacific = factories.make_unit("PAC", "Pacific Peoples")
    factories.appoint(cast.acting_ce, Office.DCE, pacific)
    staff_corporate = factories.make_user("ana.staff", cast.corporate, "Ana Corporate")
    staff_pacific = factories.make_user("sione.staff", pacific, "Sione Pacific")
    drifter = factories.make_user("joe.drifter", None, "Joe Drifter")
    admin2 = factories.make_user("rangi.admin", cast.corporate, "Rangi Second-Admin")
    factories.appoint(admin2, Office.ADMIN)
    people = {role: getattr(cast, role).id for role in ROLES if hasattr(cast, role)}
    people.update(
        staff_corporate=staff_corporate.id,
        staff_pacific=staff_pacific.id,
        drifter=drifter.id,
        admin2=admin2.id,
    )
    units = {
        "policy": cast.policy.id,
        "community": cast.community.id,
        "corporate": cast.corporate.id,
        "pacific": pacific.id,
    }
    return World(units=units, people=people)


def channel_url_for(platform: str, handle: str, kind: str) -> str:
    bare = handle.lstrip("@")
    return {
        "good": f"https://www.facebook.com/{bare}",
        "evil-host": f"https://facebook.com.evil.example/{bare}",
        "http": f"http://www.facebook.com/{bare}",
        "other-handle": "https://www.facebook.com/SomeoneElse",
        "blank": "",
        "userinfo": f"https://www.facebook.com@evil.example/{bare}",
    }[kind]


def content_for(world: World, unit_id: int, handle: str, flaw: str | None) -> dict[str, Any]:
    """Proposal content as the form would build it: passing every rule unless ``flaw``."""
    p = world.people
    content: dict[str, Any] = {
        "channel_name": f"MEC {handle} Communities",
        "platform": "facebook",
        "platform_other": "",
        "handle": handle,
        "channel_url": "",
        "business_unit_id": unit_id,
        "purpose": "Share news and events with communities.",
        "audience": "Communities in Aotearoa New Zealand.",
        "languages": ["English"],
        "terms_of_use": TERMS,
        "monitoring_windows": [
            {"weekday": day, "starts": "08:30", "ends": "17:00"} for day in range(5)
        ],
        "out_of_hours_message": "Thanks for your message. We reply during our monitoring hours.",
        "profile_statement": "This channel is supported by the Ministry for Ethnic Communities.",
        "profile_links": ["https://www.ethniccommunities.govt.nz/"],
        "related_channel_ids": [],
        "no_related_reason": "This is the agency's first channel for these communities.",
        "liaison_id": p["comms"],
        "spokespeople_ids": [p["staff_policy"]],
        "peer_reviewer_ids": [p["staff_community"]],
        "information_contact_id": p["staff_policy"],
        "neutrality_confirmed": True,
    }
    if flaw == "no-terms":
        content["terms_of_use"] = ""
    elif flaw == "no-neutrality":
        content["neutrality_confirmed"] = False
    elif flaw == "foreign-website":
        content["profile_links"] = ["https://ethniccommunities.govt.nz.example.com/"]
    elif flaw == "evil-url":
        content["channel_url"] = channel_url_for("facebook", handle, "evil-host")
    elif flaw == "http-url":
        content["channel_url"] = channel_url_for("facebook", handle, "http")
    return content


def import_csv(world: World, handle: str, url_kind: str, liaison_email: str) -> bytes:
    url = channel_url_for("facebook", handle, url_kind)
    lines = [
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started",
        f"Imported {handle},Facebook,{handle},{url},POL,{liaison_email},2020-02-03",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


# What each closing checklist item takes, and ways to get it wrong (refused, nothing changes).
CLOSING_ITEMS = ("final-post", "profile", "handle", "records", "register")
CLOSING_INPUTS: dict[str, dict[str, dict[str, str]]] = {
    "final-post": {
        "right": {"post_url": "https://www.facebook.com/x/posts/1", "points_to": "Our website"},
        "wrong": {"post_url": "http://www.facebook.com/x", "points_to": "Our website"},
    },
    "profile": {"right": {"confirmed": "yes"}, "wrong": {"confirmed": ""}},
    "handle": {
        "right": {"outcome": "dormant"},
        "wrong": {"outcome": "released", "release_reason": "  "},
    },
    "records": {
        "right": {"disposal_authority": "DA 1234", "export_location": "File 2026/17"},
        "wrong": {"disposal_authority": "DA 1234", "export_location": ""},
    },
    "register": {"right": {}, "wrong": {}},
}


def day_offset(days: int) -> date:
    return agency_today() + timedelta(days=days)


# --- what a refused action must leave exactly as it was -------------------------------------


def snapshot() -> dict[str, Any]:
    """Everything a refused action could lose or change, read fresh from the database."""
    db.session.expire_all()

    def rows(model: type, *columns: Any) -> list[tuple]:
        return [tuple(r) for r in db.session.execute(sa.select(*columns).order_by(model.id))]

    return {
        "proposals": rows(
            Proposal, Proposal.id, Proposal.state, Proposal.version, Proposal.channel_id
        ),
        "revisions": rows(
            ProposalRevision,
            ProposalRevision.id,
            ProposalRevision.number,
            ProposalRevision.content_sha256,
            ProposalRevision.submitted,
        ),
        "signoffs": rows(Signoff, Signoff.id, Signoff.void, Signoff.decision),
        "channels": rows(
            Channel,
            Channel.id,
            Channel.state,
            Channel.channel_url,
            Channel.proposal_id,
            Channel.decommissioned_on,
            Channel.closure_scheduled_on,
            Channel.review_due,
            Channel.review_cycle,
        ),
        "attestations": rows(
            ReviewAttestation,
            ReviewAttestation.id,
            ReviewAttestation.cycle,
            ReviewAttestation.role,
            ReviewAttestation.attester_id,
        ),
        "appointments": rows(
            Appointment,
            Appointment.id,
            Appointment.starts_on,
            Appointment.ends_on,
            Appointment.requested_by_id,
            Appointment.confirmed_by_id,
            Appointment.cancelled_by_id,
        ),
        "replies": rows(ChangeReply, ChangeReply.id, ChangeReply.body),
        "risk_acceptances": rows(
            SecurityRiskAcceptance, SecurityRiskAcceptance.id, SecurityRiskAcceptance.used_at
        ),
        "account_security": rows(AccountSecurity, AccountSecurity.id),
        "import_batches": rows(ImportBatch, ImportBatch.id, ImportBatch.status),
        "closure_items": rows(
            ClosureItem,
            ClosureItem.id,
            ClosureItem.ticked_at,
            ClosureItem.ticked_by_id,
            ClosureItem.details_json,
        ),
        "users": rows(User, User.id, User.is_active_account, User.session_generation),
        "charters": rows(Charter, Charter.id, Charter.pdf_sha256),
        "audit": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
    }


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [key for key in before if before[key] != after[key]]
