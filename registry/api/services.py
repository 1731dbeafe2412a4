"""API tokens: issue, revoke, and authenticate a request's bearer token.

A token is shown to its owner once, when it is made; the database keeps only its SHA-256
(enough for a 256-bit random secret: nothing to brute-force) and a short prefix that lets
people tell their tokens apart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from registry.api.models import ApiToken
from registry.audit.log import record
from registry.auth.models import User
from registry.database import begin_write
from registry.errors import ConflictError, NotFoundError, RegistryError
from registry.extensions import db
from registry.timeutil import utcnow

TOKEN_PREFIX = "reg_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for
PREFIX_LENGTH = 12  # "reg_" and 8 random characters: the width of ApiToken.prefix
NAME_MAX_LENGTH = 100
# Real tokens are 47 characters; anything far longer is not worth hashing.
RAW_TOKEN_MAX_LENGTH = 200
# Recording every use would turn each read-only API call into a write.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class TokenNotFound(NotFoundError):
    """No such token, or it belongs to someone else (the two look the same on purpose)."""


def token_digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def tokens_of(user: User) -> list[ApiToken]:
    """``user``'s tokens, newest first, revoked ones included."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        ).unique()
    )


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the row and the plain token, which is never kept."""
    begin_write()
    name = name.strip()
    if not name:
        raise RegistryError(
            "Enter a name for the token, e.g. the report or script that will use it.", "name"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise RegistryError(
            f"Keep the token name to {NAME_MAX_LENGTH} characters or fewer.", "name"
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_sha256=token_digest(plain),
        prefix=plain[:PREFIX_LENGTH],
        created_at=utcnow(),
    )
    db.session.add(token)
    db.session.flush()
    record("api-token-created", "api_token", token.id, actor=user, name=name, prefix=token.prefix)
    db.session.commit()
    return token, plain


def revoke_token(token_id: int, user: User) -> ApiToken:
    """Revoke one of ``user``'s own tokens; the row stays, marked revoked."""
    begin_write()
    query = select(ApiToken).where(ApiToken.id == token_id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=ApiToken)
    token = db.session.scalars(query.execution_options(populate_existing=True)).unique().first()
    if token is None or token.user_id != user.id:
        raise TokenNotFound("There is no such token, or it is not yours.")
    if token.revoked_at is not None:
        raise ConflictError(f"The token “{token.name}” was already revoked.")
    token.revoked_at = utcnow()
    record(
        "api-token-revoked", "api_token", token.id, actor=user, name=token.name, prefix=token.prefix
    )
    db.session.commit()
    return token


def revoke_all_tokens(user: User, actor: User | None, reason: str) -> list[ApiToken]:
    """Revoke every live token of ``user`` (in the caller's transaction), each one recorded.

    Revoked is for good: turning the account back on later does not bring a token back;
    the person makes new ones.
    """
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=ApiToken)
    tokens = list(db.session.scalars(query.execution_options(populate_existing=True)).unique())
    now = utcnow()
    for token in tokens:
        token.revoked_at = now
        record(
            "api-token-revoked",
            "api_token",
            token.id,
            actor=actor,
            name=token.name,
            prefix=token.prefix,
            reason=reason,
        )
    return tokens


def authenticate(raw_token: str) -> User | None:
    """The active user a bearer token belongs to, or None (unknown, revoked, or inactive).

    No constant-time comparison is needed: the lookup is by the token's hash, so timing
    reveals nothing about any stored token.
    """
    if not raw_token or len(raw_token) > RAW_TOKEN_MAX_LENGTH:
        return None
    token = (
        db.session.scalars(select(ApiToken).where(ApiToken.token_sha256 == token_digest(raw_token)))
        .unique()
        .one_or_none()
    )
    if token is None or token.revoked_at is not None or not token.user.is_active_account:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        _touch(token.id, now)
        # The commit expired the loaded rows; reload them (once a minute at most).
        token = db.session.get(ApiToken, token.id)
        if token is None or token.revoked_at is not None or not token.user.is_active_account:
            return None
    return token.user


def _touch(token_id: int, now: datetime) -> None:
    begin_write()
    # Conditional, so concurrent requests in the same minute write the row once.
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - LAST_USED_GRANULARITY,
            ),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
