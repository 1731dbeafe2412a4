"""Demo data: business units, a person for every role, and channels in every state, all made
through the same services people use — so the demo also exercises the workflow."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from registry.auth import offices, services
from registry.auth.models import BusinessUnit, Office, User

TERMS = (
    "Kia ora and welcome. We welcome respectful discussion about our work. We remove "
    "abusive, discriminatory, off-topic or commercial comments, and spam. Do not share "
    "personal information here."
)


def create_demo_data(password: str) -> list[str]:
    """Create the demo people and channels; return the lines to print (who to sign in as)."""
    domain = "example.govt.nz"
    today = offices.agency_today()
    year_start = today.replace(month=1, day=1)

    policy = services.create_unit("POL", "Policy")
    community = services.create_unit("CEN", "Community Engagement")
    corporate = services.create_unit("COR", "Corporate Services")

    cast = [
        ("admin", "aroha.admin", "Aroha Ngata", corporate, [(Office.ADMIN, None, False)]),
        # A second administrator, so the two-person rule for appointments can be tried.
        ("admin2", "wiremu.admin", "Wiremu Parata", corporate, [(Office.ADMIN, None, False)]),
        (
            "manager",
            "hemi.manager",
            "Hemi Walker",
            corporate,
            [
                (Office.MANAGER_COMMUNICATIONS, None, False),
                (Office.COMMUNICATIONS_TEAM, None, False),
            ],
        ),
        (
            "comms",
            "mere.comms",
            "Mere Tane",
            corporate,
            [(Office.COMMUNICATIONS_TEAM, None, False)],
        ),
        ("ce", "priya.ce", "Priya Sharma", corporate, [(Office.CHIEF_EXECUTIVE, None, False)]),
        ("dce_policy", "daniel.dce", "Daniel Chen", policy, [(Office.DCE, policy, False)]),
        (
            "dce_community",
            "fatima.dce",
            "Fatima Hassan",
            community,
            [
                (Office.DCE, community, False),
                # Acting Chief Executive while the Chief Executive is away: the separation-of-duties
                # case (one person, two offices) is there to try.
                (Office.CHIEF_EXECUTIVE, None, True),
            ],
        ),
        ("staff_policy", "tama.staff", "Tama Rāwiri", policy, []),
        ("staff_community", "lin.staff", "Lin Nguyen", community, []),
    ]
    lines = ["Demo sign-ins (password for all: " + password + "):"]
    people: dict[str, User] = {}
    for key, local_part, name, unit, appointments in cast:
        user = services.create_user(f"{local_part}@{domain}", name, password, unit)
        people[key] = user
        capacities = []
        for office, office_unit, acting in appointments:
            ends_on = today + timedelta(days=13) if acting else None
            appointment = offices.appoint(
                user, office, year_start if not acting else today, ends_on, acting, office_unit
            )
            capacities.append(appointment.capacity)
        role = ", ".join(capacities) or f"staff, {unit.name}"
        lines.append(f"  {user.email:34} {role}")
    # One request waiting for a second administrator: Aroha asked, Wiremu can confirm it.
    from registry.auth.appointment_requests import request_appointment

    request_appointment(
        people["admin"],
        people["staff_community"],
        Office.DCE,
        today,
        today + timedelta(days=6),
        acting=True,
        business_unit=community,
    )
    lines.append(
        "  (Aroha Ngata has asked for Lin Nguyen to be Acting DCE, Community Engagement: it "
        "waits for Wiremu Parata to confirm it.)"
    )
    lines.append(_create_demo_channels(people, policy, community, corporate, today))
    return lines


def _content(unit: BusinessUnit, people: dict[str, User], proposer: str, **fields: Any) -> dict:
    from registry.policy.content import MonitoringWindow
    from registry.policy.hours import monitoring_statement
    from registry.proposals.services import empty_content

    windows = [MonitoringWindow(day, _t("08:30"), _t("17:00")) for day in range(5)]
    content = empty_content(unit.id)
    content.update(
        purpose="Share news, events and funding rounds with the communities we serve.",
        audience="Ethnic communities in Aotearoa New Zealand.",
        languages=["English", "te reo Māori"],
        terms_of_use=TERMS + "\n\n" + monitoring_statement(windows),
        monitoring_windows=[
            {"weekday": w.weekday, "starts": "08:30", "ends": "17:00"} for w in windows
        ],
        out_of_hours_message="Thanks for your message. We reply during our monitoring hours.",
        profile_statement="Supported by the Ministry for Ethnic Communities | Te Tari Mātāwaka.",
        profile_links=["https://www.ethniccommunities.govt.nz/"],
        no_related_reason="The first channel of its kind for this audience.",
        liaison_id=people["comms"].id,
        spokespeople_ids=[people[proposer].id],
        peer_reviewer_ids=[people["manager"].id],
        information_contact_id=people[proposer].id,
        neutrality_confirmed=True,
    )
    content.update(fields)
    return content


def _t(text: str):  # noqa: ANN202
    from datetime import time

    return time.fromisoformat(text)


def _create_demo_channels(
    people: dict[str, User],
    policy: BusinessUnit,
    community: BusinessUnit,
    corporate: BusinessUnit,
    today: date,
) -> str:
    from registry.inventory import lifecycle as inventory_lifecycle
    from registry.inventory.importing import import_channels
    from registry.proposals import services as proposals
    from registry.signoffs import services as signoffs
    from registry.signoffs.models import Decision

    def propose(proposer: str, unit: BusinessUnit, submit: bool = True, **fields: Any):  # noqa: ANN202
        proposal = proposals.create_proposal(
            people[proposer], _content(unit, people, proposer, **fields)
        )
        if submit:
            proposals.submit_proposal(proposal.id, people[proposer], proposal.version)
        return proposal

    def sign(
        proposal,
        who: str,
        office: Office,
        decision: Decision = Decision.APPROVE,  # noqa: ANN001
        comment: str = "",
    ) -> None:
        revision = proposal.current_revision
        signoffs.decide(
            proposal.id,
            people[who],
            decision,
            office,
            comment,
            revision.number,
            revision.content_sha256,
        )

    # Drafts and proposals at each step of sign-off.
    proposals.create_proposal(
        people["staff_policy"],
        _content(
            policy,
            people,
            "staff_policy",
            channel_name="Policy Insights",
            platform="linkedin",
            handle="mec-policy-insights",
            terms_of_use="",
            neutrality_confirmed=False,
        ),
    )
    one = propose(
        "staff_policy",
        policy,
        channel_name="MEC Youth Voices",
        platform="instagram",
        handle="mec.youthvoices",
    )
    sign(one, "manager", Office.MANAGER_COMMUNICATIONS)
    two = propose(
        "staff_policy",
        policy,
        channel_name="MEC Research Updates",
        platform="tiktok",
        handle="mec.research",
    )
    sign(two, "manager", Office.MANAGER_COMMUNICATIONS)
    sign(two, "dce_policy", Office.DCE)
    changes = propose(
        "staff_community",
        community,
        channel_name="Community Stories",
        platform="youtube",
        handle="@MECCommunityStories",
    )
    sign(
        changes,
        "manager",
        Office.MANAGER_COMMUNICATIONS,
        Decision.REQUEST_CHANGES,
        "Add the Samoan and Tongan language versions of the terms of use.",
    )
    declined = propose(
        "staff_community",
        community,
        channel_name="MEC Memes",
        platform="threads",
        handle="mec.memes",
    )
    sign(
        declined,
        "ce",
        Office.CHIEF_EXECUTIVE,
        Decision.DECLINE,
        "Not consistent with presenting the Ministry as a professional organisation.",
    )

    # Approved channels: one waiting to go live, one live.
    pending = propose(
        "staff_policy", policy, channel_name="MEC Policy News", platform="x", handle="MECPolicyNews"
    )
    for who, office in (
        ("manager", Office.MANAGER_COMMUNICATIONS),
        ("dce_policy", Office.DCE),
        ("ce", Office.CHIEF_EXECUTIVE),
    ):
        sign(pending, who, office)
    live = propose(
        "staff_community",
        community,
        channel_name="MEC Pasifika Communities",
        platform="facebook",
        handle="MECPasifika",
    )
    for who, office in (
        ("manager", Office.MANAGER_COMMUNICATIONS),
        ("dce_community", Office.DCE),
        ("ce", Office.CHIEF_EXECUTIVE),
    ):
        sign(live, who, office)
    from registry.channels.models import Channel
    from registry.extensions import db

    live_channel = db.session.get(Channel, db.session.get(type(live), live.id).channel_id)
    # Its account security is not recorded yet: the Manager Communications accepts that risk
    # for the go-live, and someone else in the Communications team takes it live.
    from registry.inventory.risk import accept_risk

    accept_risk(
        live_channel.id,
        people["manager"],
        "The launch is announced for today; the Communications team records the account's "
        "security within the week.",
    )
    inventory_lifecycle.go_live(
        live_channel.id, people["comms"], "https://www.facebook.com/MECPasifika"
    )

    # The Communications team's existing spreadsheet: overdue, current and closed channels.
    started_old = date(today.year - 2, 3, 1).isoformat()
    started_recent = (today - timedelta(days=60)).isoformat()
    rows = [
        "name,platform,handle,url,business unit,liaison email,date started",
        f"MEC New Zealand,Facebook,MECNZ,https://www.facebook.com/MECNZ,COR,{people['comms'].email},{started_old}",
        f"Ethnic Communities NZ,Instagram,ethniccommsnz,https://www.instagram.com/ethniccommsnz,CEN,{people['comms'].email},{started_old}",
        f"MEC on LinkedIn,LinkedIn,ministry-for-ethnic-communities,https://www.linkedin.com/company/ministry-for-ethnic-communities,COR,{people['manager'].email},{started_recent}",
        f"Old Events Page,Facebook,MECEvents2021,https://www.facebook.com/MECEvents2021,CEN,{people['comms'].email},{started_old}",
    ]
    result = import_channels(("\n".join(rows) + "\n").encode("utf-8"), people["comms"])
    old_events = db.session.scalar(db.select(Channel).where(Channel.handle == "MECEvents2021"))
    inventory_lifecycle.decommission(
        old_events.id, people["comms"], today - timedelta(days=7), "Events now go on the main page."
    )
    # Its closing checklist, done: decommissioned.
    from registry.inventory import checklist

    for key, details in (
        (
            "final-post",
            {
                "post_url": "https://www.facebook.com/MECEvents2021/posts/1",
                "points_to": "https://www.facebook.com/MECNZ",
            },
        ),
        ("profile", {"confirmed": "yes"}),
        ("handle", {"outcome": checklist.HANDLE_DORMANT}),
        ("records", {"disposal_authority": "DA 1234", "export_location": "Records file 2026/17"}),
    ):
        checklist.tick(old_events.id, key, people["comms"], details)
    # Beyond the charter: a request for information on the live channel (due soon), its
    # account security record (one admin short), and an overdue request on an imported one.
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from flask import current_app

    from registry.inventory.security import save_security
    from registry.oia import services as oia

    tz = ZoneInfo(current_app.config["AGENCY_TIMEZONE"])
    oia.log_request(
        live_channel.id,
        people["comms"],
        datetime.combine(today - timedelta(days=21), time(9, 30), tz),
        "@curious_kiwi",
        "How many people follow the page, by region?",
        people["staff_community"].id,
    )
    mecnz = db.session.scalar(db.select(Channel).where(Channel.handle == "MECNZ"))
    oia.log_request(
        mecnz.id,
        people["comms"],
        datetime.combine(today - timedelta(days=60), time(14, 5), tz),
        "A. Reporter",
        "Copies of the page's moderation guidelines.",
        people["comms"].id,
    )
    save_security(
        live_channel.id,
        people["comms"],
        [people["comms"].id],
        True,
        "comms@ethniccommunities.govt.nz",
        "Comms password vault, item MEC Pasifika",
        today,
    )
    return (
        f"Demo channels: 8 proposals in every state, {result.count} imported channels (one "
        "decommissioned, two with reviews overdue), 2 information requests."
    )
