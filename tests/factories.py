"""Build people, units and appointments through the same services the app uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from registry.auth import offices, services
from registry.auth.models import BusinessUnit, Office, User

PASSWORD = "correct-horse-battery"  # noqa: S105


@dataclass
class People:
    policy: BusinessUnit
    community: BusinessUnit
    corporate: BusinessUnit
    admin: User
    manager: User  # Manager Communications, also in the Communications team
    comms: User
    ce: User
    dce_policy: User
    dce_community: User
    acting_ce: User  # Acting Chief Executive for a fortnight from today
    staff_policy: User
    staff_community: User


def make_unit(code: str, name: str | None = None) -> BusinessUnit:
    return services.create_unit(code, name or f"Unit {code}")


def make_user(
    local_part: str,
    unit: BusinessUnit | None = None,
    name: str | None = None,
    password: str = PASSWORD,
) -> User:
    return services.create_user(
        f"{local_part}@example.govt.nz",
        name or local_part.replace(".", " ").title(),
        password,
        unit,
    )


def appoint(
    user: User,
    office: Office,
    unit: BusinessUnit | None = None,
    acting: bool = False,
    starts_on: date | None = None,
    ends_on: date | None = None,
):
    return offices.appoint(
        user,
        office,
        starts_on or offices.agency_today() - timedelta(days=30),
        ends_on,
        acting=acting,
        business_unit=unit,
    )


def create_people() -> People:
    policy = make_unit("POL", "Policy")
    community = make_unit("CEN", "Community Engagement")
    corporate = make_unit("COR", "Corporate Services")
    admin = make_user("aroha.admin", corporate, "Aroha Ngata")
    appoint(admin, Office.ADMIN)
    manager = make_user("hemi.manager", corporate, "Hemi Walker")
    appoint(manager, Office.MANAGER_COMMUNICATIONS)
    appoint(manager, Office.COMMUNICATIONS_TEAM)
    comms = make_user("mere.comms", corporate, "Mere Tane")
    appoint(comms, Office.COMMUNICATIONS_TEAM)
    ce = make_user("priya.ce", corporate, "Priya Sharma")
    appoint(ce, Office.CHIEF_EXECUTIVE)
    dce_policy = make_user("daniel.dce", policy, "Daniel Chen")
    appoint(dce_policy, Office.DCE, policy)
    dce_community = make_user("fatima.dce", community, "Fatima Hassan")
    appoint(dce_community, Office.DCE, community)
    acting_ce = make_user("sam.acting", corporate, "Sam Acting")
    today = offices.agency_today()
    appoint(
        acting_ce,
        Office.CHIEF_EXECUTIVE,
        acting=True,
        starts_on=today,
        ends_on=today + timedelta(days=13),
    )
    staff_policy = make_user("tama.staff", policy, "Tama Rāwiri")
    staff_community = make_user("lin.staff", community, "Lin Nguyen")
    return People(
        policy=policy,
        community=community,
        corporate=corporate,
        admin=admin,
        manager=manager,
        comms=comms,
        ce=ce,
        dce_policy=dce_policy,
        dce_community=dce_community,
        acting_ce=acting_ce,
        staff_policy=staff_policy,
        staff_community=staff_community,
    )
