"""Demo data: business units and a person for every role, so a newcomer can try each door."""

from __future__ import annotations

from datetime import timedelta

from registry.auth import offices, services
from registry.auth.models import Office


def create_demo_data(password: str) -> list[str]:
    """Create the demo people; return the lines to print (who to sign in as)."""
    domain = "example.govt.nz"
    today = offices.agency_today()
    year_start = today.replace(month=1, day=1)

    policy = services.create_unit("POL", "Policy")
    community = services.create_unit("CEN", "Community Engagement")
    corporate = services.create_unit("COR", "Corporate Services")

    people = [
        ("aroha.admin", "Aroha Ngata", corporate, [(Office.ADMIN, None, False)]),
        (
            "hemi.manager",
            "Hemi Walker",
            corporate,
            [
                (Office.MANAGER_COMMUNICATIONS, None, False),
                (Office.COMMUNICATIONS_TEAM, None, False),
            ],
        ),
        ("mere.comms", "Mere Tane", corporate, [(Office.COMMUNICATIONS_TEAM, None, False)]),
        ("priya.ce", "Priya Sharma", corporate, [(Office.CHIEF_EXECUTIVE, None, False)]),
        ("daniel.dce", "Daniel Chen", policy, [(Office.DCE, policy, False)]),
        (
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
        ("tama.staff", "Tama Rāwiri", policy, []),
        ("lin.staff", "Lin Nguyen", community, []),
    ]
    lines = ["Demo sign-ins (password for all: " + password + "):"]
    for local_part, name, unit, appointments in people:
        user = services.create_user(f"{local_part}@{domain}", name, password, unit)
        capacities = []
        for office, office_unit, acting in appointments:
            ends_on = today + timedelta(days=13) if acting else None
            appointment = offices.appoint(
                user, office, year_start if not acting else today, ends_on, acting, office_unit
            )
            capacities.append(appointment.capacity)
        role = ", ".join(capacities) or f"staff, {unit.name}"
        lines.append(f"  {user.email:34} {role}")
    return lines
