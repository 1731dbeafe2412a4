"""Keep what someone typed when their session expired, and give it back after sign-in."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from typing import Any

from flask import Request
from sqlalchemy import delete, select

from registry.database import begin_write
from registry.extensions import db
from registry.proposals.models import FormStash
from registry.timeutil import utcnow

STASH_LIFETIME = timedelta(hours=24)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
MAX_STASH_BYTES = 512 * 1024


def stash_form(request: Request) -> str | None:
    """Store the posted form (not the CSRF token); return its token, or None if too large."""
    body = {
        key: request.form.getlist(key)
        for key in request.form
        if key not in ("csrf_token", "action")
    }
    return stash(request.path, body)


def stash(path: str, body: dict[str, Any], max_bytes: int = MAX_STASH_BYTES) -> str | None:
    """Keep ``body`` for a day under a random token, for one later request to ``path``."""
    body_json = json.dumps(body, ensure_ascii=False)
    if len(body_json.encode("utf-8")) > max_bytes:
        return None
    begin_write()
    db.session.execute(delete(FormStash).where(FormStash.created_at < utcnow() - STASH_LIFETIME))
    token = secrets.token_urlsafe(32)
    db.session.add(FormStash(token=token, path=path, body_json=body_json))
    db.session.commit()
    return token


def take_stash(token: str, path: str) -> dict[str, Any] | None:
    """The stashed form for ``path``, removed as it is handed back (one use)."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    begin_write()
    stash = db.session.scalar(
        select(FormStash).where(
            FormStash.token == token,
            FormStash.path == path,
            FormStash.created_at >= utcnow() - STASH_LIFETIME,
        )
    )
    if stash is None:
        return None
    body = json.loads(stash.body_json)
    db.session.delete(stash)
    db.session.commit()
    return body
