"""Keep what someone typed when their session expired, and give it back after sign-in.

A stash belongs to the person whose session it was: the signed cookie still names them
after the server has ended the session. Only they get it back, a few at a time, for a day.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from typing import Any

from flask import Request, current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from registry.database import begin_write
from registry.errors import NotFoundError
from registry.extensions import db
from registry.proposals.models import FormStash
from registry.timeutil import utcnow

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class StashNotYours(NotFoundError):
    """The link names work someone else kept: it is not shown (answered as not found)."""


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config["FORM_STASH_LIFETIME_HOURS"])


def stash_form(request: Request, user_id: int) -> str | None:
    """Store the posted form (not the CSRF token) for ``user_id``; return its token, or None
    if it is too large to keep."""
    body = {
        key: request.form.getlist(key)
        for key in request.form
        if key not in ("csrf_token", "action")
    }
    return stash(request.path, body, user_id)


def stash(
    path: str, body: dict[str, Any], user_id: int, max_bytes: int | None = None
) -> str | None:
    """Keep ``body`` for ``user_id`` under a random token, for one later request to ``path``.

    Each person keeps at most FORM_STASH_PER_PERSON stashes; a new one drops their oldest.
    """
    if max_bytes is None:
        max_bytes = current_app.config["FORM_STASH_MAX_BYTES"]
    body_json = json.dumps(body, ensure_ascii=False)
    if len(body_json.encode("utf-8")) > max_bytes:
        return None
    begin_write()
    now = utcnow()
    db.session.execute(delete(FormStash).where(FormStash.created_at < now - _lifetime()))
    keep = max(0, current_app.config["FORM_STASH_PER_PERSON"] - 1)
    older = db.session.scalars(
        select(FormStash.token)
        .where(FormStash.user_id == user_id)
        .order_by(FormStash.created_at.desc(), FormStash.token)
        .offset(keep)
    ).all()
    if older:
        db.session.execute(delete(FormStash).where(FormStash.token.in_(older)))
    token = secrets.token_urlsafe(32)
    db.session.add(
        FormStash(token=token, path=path, body_json=body_json, user_id=user_id, created_at=now)
    )
    db.session.commit()
    return token


def take_stash(token: str, path: str, user_id: int) -> dict[str, Any] | None:
    """``user_id``'s stashed form for ``path``, removed as it is handed back (one use).

    None when there is none (used already, expired); StashNotYours when the token names
    someone else's stash, which stays where it is for its owner.
    """
    if not token or not _TOKEN.fullmatch(token):
        return None
    begin_write()
    stash = db.session.scalar(
        select(FormStash).where(
            FormStash.token == token,
            FormStash.path == path,
            FormStash.created_at >= utcnow() - _lifetime(),
        )
    )
    if stash is None:
        return None
    if stash.user_id != user_id:
        db.session.rollback()
        raise StashNotYours(_("There is no such saved work, or it is not yours."))
    body = json.loads(stash.body_json)
    db.session.delete(stash)
    db.session.commit()
    return body
