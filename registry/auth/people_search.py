"""Finding people by part of their name or email, among those a question may name.

The people pickers on the forms search here as someone types (and, without JavaScript, when
they press "Find people"), so a form never lists everyone on the page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import Select, select

from registry.auth.models import BusinessUnit, Office, User
from registry.auth.offices import holders
from registry.extensions import db
from registry.policy.accounts import name_key

SEARCH_LIMIT = 20
QUERY_MAX = 100  # a name or an email address is shorter; a longer query finds no one anyway


class Pool(enum.StrEnum):
    """Who a question may name."""

    STAFF = "staff"  # every active account
    COMMUNICATIONS_TEAM = "communications-team"  # those appointed to it now


@dataclass(frozen=True)
class Found:
    """A person as a picker shows them: enough to tell two people of one name apart."""

    id: int
    name: str
    email: str
    unit: str | None

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "email": self.email, "unit": self.unit}


@dataclass(frozen=True)
class Results:
    people: list[Found]
    more: bool  # more people match than are listed: the query should be longer


def _candidates(pool: Pool) -> Select:
    statement = (
        select(User.id, User.display_name, User.email, BusinessUnit.name)
        .outerjoin(BusinessUnit, BusinessUnit.id == User.business_unit_id)
        .where(User.is_active_account)
    )
    if pool is Pool.COMMUNICATIONS_TEAM:
        # The same people the form offered as liaison before it searched: the team now.
        team = {a.user_id for a in holders(Office.COMMUNICATIONS_TEAM)}
        statement = statement.where(User.id.in_(team))
    return statement


def search_people(
    query: str, pool: Pool, exclude: frozenset[int] = frozenset(), limit: int = SEARCH_LIMIT
) -> Results:
    """People in ``pool`` whose name or email contains ``query``, best first, at most ``limit``.

    A name matches the way people read it (``name_key``: case, macrons and punctuation
    ignored, so "rawiri" finds "Rāwiri"); an email address ignoring case. Names whose first
    letters are the query come first, then the rest, each by name. Only each person's id, name,
    email and unit are read: the same on SQLite and PostgreSQL, which fold case and marks
    differently, and a few milliseconds for thousands of people.
    """
    text = " ".join(query.split())[:QUERY_MAX]
    wanted = name_key(text)
    email_part = text.casefold()
    if not wanted and not email_part:
        return Results([], more=False)
    ranked: list[tuple[int, str, Found]] = []
    for person_id, name, email, unit in db.session.execute(_candidates(pool)):
        if person_id in exclude:
            continue
        key = name_key(name)
        in_name = bool(wanted) and wanted in key
        if not in_name and email_part not in email:
            continue
        starts = (in_name and (key.startswith(wanted) or f" {wanted}" in key)) or (
            email.startswith(email_part)
        )
        ranked.append((0 if starts else 1, key, Found(person_id, name, email, unit)))
    ranked.sort(key=lambda item: (item[0], item[1], item[2].id))
    return Results([found for _rank, _key, found in ranked[:limit]], more=len(ranked) > limit)
