"""A realistic charter document, built directly: no app, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from registry.charters.document import CharterDocument, ComplianceRow, SignoffRow

SETTING_UP = "Setting up a social media presence/channel"
SETTING_UP_LINKS = (
    "It must clearly state that it is supported by MEC and should link to"
    " ethniccommunities.govt.nz and any other relevant MEC communication channels."
)
TERMS_CLAUSE = "The presence should have terms of use, including hours of monitoring."

# (rule ID, title, heading, clause) as in the policy rule table.
RULES: tuple[tuple[str, str, str, str], ...] = (
    (
        "SMP-APPROVALS",
        "Manager Communications, business unit DCE and Chief Executive approve",
        SETTING_UP,
        "Any new MEC social media presence requires the express permission of the Manager"
        " Communications, the relevant business unit DCE and the Chief Executive.",
    ),
    ("SMP-TERMS", "The channel has terms of use", SETTING_UP, TERMS_CLAUSE),
    ("SMP-HOURS", "The terms of use state the hours of monitoring", SETTING_UP, TERMS_CLAUSE),
    (
        "SMP-SUPPORTED-BY",
        "The channel says it is supported by the agency",
        SETTING_UP,
        SETTING_UP_LINKS,
    ),
    ("SMP-WEBSITE-LINK", "The channel links to the agency website", SETTING_UP, SETTING_UP_LINKS),
    (
        "SMP-RELATED-LINKS",
        "The channel links to the agency's other relevant channels",
        SETTING_UP,
        SETTING_UP_LINKS,
    ),
    (
        "SMP-COMMS",
        "A Communications team liaison manages the channel",
        "Ongoing management of a social media presence/channel",
        "The presence must be managed in collaboration with the Communications team or media"
        " spokespeople.",
    ),
    (
        "SMP-SPOKESPEOPLE",
        "Only authorised spokespeople post",
        "Posting",
        "Only an authorised media spokesperson should post on publicly available social media"
        " sites on behalf of MEC for work reasons.",
    ),
    (
        "SMP-PEER-REVIEW",
        "Every post is peer reviewed by someone else",
        "Posting",
        "The post must be peer reviewed by another appropriate staff member to ensure that it's"
        " appropriate to post and to check the content's facts, tone, spelling and grammar.",
    ),
    (
        "SMP-OIA",
        "Someone answers requests for information",
        "Request for information",
        "Any request for information made to MEC via our social media presence should be"
        " responded to promptly and in accordance with the Official Information Act.",
    ),
    (
        "SMP-NEUTRAL",
        "Neutral, lawful use is confirmed",
        "'Likes', 'reactions', 'follows' and sharing; Posting",
        "Likes, reactions, follows and sharing of other's social media sites and posts from a"
        " MEC profile should be made with care and remain politically and commercially"
        " neutral.\nPosts must not breach privacy, copyright or any other laws.",
    ),
)

RULE_IDS: tuple[str, ...] = tuple(rule[0] for rule in RULES)

TERMS = (
    "Kia ora and welcome to the Ministry for Ethnic Communities Pasifika page. We share news,"
    " events and opportunities for Pasifika communities in Aotearoa New Zealand.\n\n"
    "We welcome respectful discussion. We remove comments that are abusive, discriminatory,"
    " defamatory, off-topic or spam, and we may block people who post them repeatedly.\n"
    "Please do not share personal information about yourself or others in comments.\n\n"
    "We monitor this page Monday to Friday, 8:30am to 5:00pm NZ time. Messages sent outside"
    " these hours are answered when we are next monitoring.\n\n"
    "Requests for official information made through this page are handled under the Official"
    " Information Act 1982."
)

SIGNOFFS = (
    SignoffRow(
        name="Aroha Ngata",
        capacity="Manager Communications",
        acting=False,
        signed_at="23 Nov 2026, 2:15pm NZDT",
    ),
    SignoffRow(
        name="Sione Taufa",
        capacity="DCE Policy and Community Engagement",
        acting=False,
        signed_at="24 Nov 2026, 9:02am NZDT",
    ),
    SignoffRow(
        name="Mere Kāretu",
        capacity="Acting Chief Executive",
        acting=True,
        signed_at="25 Nov 2026, 10:43am NZDT",
    ),
)


def sample_document(**overrides: Any) -> CharterDocument:
    """A policy-passing charter; pass field=value to change any field."""
    document = CharterDocument(
        agency_name="Ministry for Ethnic Communities",
        agency_te_reo_name="Te Tari Mātāwaka",
        agency_domain="ethniccommunities.govt.nz",
        charter_number="MEC-CH-2026-0007",
        approved_at=datetime(2026, 11, 24, 21, 43, 12, tzinfo=UTC),
        approved_at_local="25 Nov 2026, 10:43am NZDT",
        channel_name="MEC Pasifika Communities",
        platform="Facebook",
        handle="@MECPasifika",
        channel_url="https://www.facebook.com/MECPasifika",
        business_unit="Policy and Community Engagement",
        purpose="Share news, events and funding opportunities with Pasifika communities.",
        audience="Pasifika communities in Aotearoa New Zealand, and the organisations that"
        " serve them.",
        languages=("English", "Samoan", "Tongan", "Te reo Māori"),
        terms_of_use=TERMS,
        monitoring_hours=tuple(
            (day, "8:30am", "5:00pm")
            for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
        ),
        out_of_hours_message="Thanks for your message. We reply during our monitoring hours,"
        " Monday to Friday, 8:30am to 5:00pm.",
        profile_statement="This page is supported by the Ministry for Ethnic Communities |"
        " Te Tari Mātāwaka.",
        profile_links=(
            "https://www.ethniccommunities.govt.nz/",
            "https://www.ethniccommunities.govt.nz/community-development-fund/"
            "pasifika-community-grants-and-events-2026",
        ),
        related_channels=(),
        no_related_reason="This is the agency's first channel for Pasifika communities.",
        liaison="Hana Williams (Communications)",
        spokespeople=("Losa Faleolo", "Hana Williams"),
        peer_reviewers=("Sione Taufa", "Priya Raman"),
        information_contact="Priya Raman",
        compliance=tuple(
            ComplianceRow(rule_id=rule_id, title=title, heading=heading, clause=clause, passed=True)
            for rule_id, title, heading, clause in RULES
        ),
        signoffs=SIGNOFFS,
        revision_number=3,
        content_sha256="9f2c4e1a7b3d5f60812a9c4be7d03f5a6c1e8b2d4f7a9c0e3b5d7f9a1c2e4b6d",
        review_due=date(2027, 11, 25),
        review_due_text="25 November 2027",
        verify_url="https://registry.ethniccommunities.govt.nz/charters/MEC-CH-2026-0007/verify",
        notes=(),
    )
    return replace(document, **overrides) if overrides else document
