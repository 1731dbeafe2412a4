"""Looking people up by id, sparing the database what this request has read already."""

from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context
from sqlalchemy import inspect, select

from registry.auth.models import User
from registry.extensions import db


def people_by_id(ids: Iterable[int | None]) -> dict[int, User]:
    """The users with these ids (unknown ids left out). A page names the same people in
    several parts (the proposal's sections, its policy report): within a request each person
    is read once, and the rest in one statement."""
    wanted = {i for i in ids if isinstance(i, int)}
    # Held for the request (the session's identity map alone would let them be collected).
    known: dict[int, User] = g.setdefault("people_by_id", {}) if has_request_context() else {}
    session = db.session()
    found = {
        i: known[i]
        for i in wanted
        # Expired by a commit, or from a session since closed: read again, with the others.
        if i in known and _current(known[i], session)
    }
    missing = wanted - found.keys()
    if missing:
        loaded = {
            u.id: u for u in db.session.scalars(select(User).where(User.id.in_(missing))).unique()
        }
        known.update(loaded)
        found |= loaded
    return found


def _current(user: User, session: object) -> bool:
    state = inspect(user)
    return state.session is session and not state.expired_attributes
