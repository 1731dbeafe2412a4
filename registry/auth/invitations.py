"""Invitations and password resets: one-time links that let a person set their own password.

Administrators never know anyone's password. If they typed one, an administrator could ask for
that account to be made an administrator (or a signatory), have a second administrator confirm
a request that looks ordinary, then sign in as it and be two people. So the admin pages take no
password at all: a new person gets an invitation, a person who forgot theirs gets a reset, each
a link emailed to the person's own address.

A link's token is random (``secrets.token_urlsafe``) and only its SHA-256 is stored. It is bound
to its person and purpose, expires (``PASSWORD_INVITATION_HOURS``, ``PASSWORD_RESET_HOURS``),
works once, and a newer link voids the older ones. Using it ends every other session of the
person. Unknown, used, voided, expired and other-purpose links all get the same answer.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry import notifications
from registry.audit.log import record
from registry.auth.models import PasswordLink, User
from registry.auth.passwords import hash_password
from registry.auth.services import check_password_strength, create_user, void_password_links
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, RegistryError
from registry.extensions import db
from registry.i18n import N_
from registry.timeutil import format_local, utcnow

LINK_NOT_USABLE = N_(
    "This link has expired or was already used; ask an administrator for a new one."
)
# Real tokens are 43 characters; anything far longer is not worth hashing.
_TOKEN_MAX_LENGTH = 200


class Purpose(enum.StrEnum):
    """What a link is for; a link for one purpose opens nothing else."""

    INVITATION = "invitation"
    RESET = "reset"

    def path(self, token: str) -> str:
        """The link's path (``auth.accept_invitation``, ``auth.reset_password``); built by
        hand, since the command line has no request to build URLs from."""
        prefix = "/invitation/" if self is Purpose.INVITATION else "/reset-password/"
        return prefix + token

    @property
    def lifetime(self) -> timedelta:
        setting = (
            "PASSWORD_INVITATION_HOURS" if self is Purpose.INVITATION else "PASSWORD_RESET_HOURS"
        )
        return timedelta(hours=current_app.config[setting])


class LinkNotUsable(RegistryError):
    """The one answer for every link that cannot set a password, whatever the reason."""

    status = 404

    def __init__(self) -> None:
        super().__init__(_(LINK_NOT_USABLE))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def latest_link(user: User) -> PasswordLink | None:
    return db.session.scalar(
        select(PasswordLink)
        .where(PasswordLink.user_id == user.id)
        .order_by(PasswordLink.created_at.desc(), PasswordLink.id.desc())
        .limit(1)
    )


def latest_links() -> dict[int, PasswordLink]:
    """Each person's newest link, for the admin list."""
    newest: dict[int, PasswordLink] = {}
    for link in db.session.scalars(select(PasswordLink).order_by(PasswordLink.id)).unique():
        newest[link.user_id] = link
    return newest


def _actor_fields(actor: User | None) -> dict:
    # Imported here: offices build on this module's people.
    from registry.auth.offices import OPERATOR

    if actor is None:
        return {"actor": None, "actor_label": OPERATOR, "via": "command line"}
    return {"actor": actor}


def _issue(user: User, purpose: Purpose, actor: User | None) -> str:
    """Void the person's earlier links and make a new one, in the caller's transaction.
    Returns the token, which is never stored."""
    if not user.is_active_account:
        raise ConflictError(
            _(
                "%(name)s's account is deactivated: reactivate it before sending a link.",
                name=user.display_name,
            )
        )
    voided = void_password_links(user)
    now = utcnow()
    token = secrets.token_urlsafe(32)
    link = PasswordLink(
        user_id=user.id,
        purpose=purpose.value,
        token_sha256=token_digest(token),
        created_at=now,
        expires_at=now + purpose.lifetime,
        sent_by_id=actor.id if actor is not None else None,
    )
    db.session.add(link)
    db.session.flush()
    record(
        "invitation-sent" if purpose is Purpose.INVITATION else "password-reset-sent",
        "user",
        user.id,
        after={"email": user.email, "expires_at": link.expires_at.isoformat()},
        earlier_links_voided=voided,
        **_actor_fields(actor),
    )
    return token


def _email(user: User, purpose: Purpose, token: str, actor: User | None) -> None:
    """Queued in the transaction that makes the link, so the email goes if and only if the
    link exists; a mail-server outage delays it, and a new link can always be sent."""
    config = current_app.config
    address = notifications.link(purpose.path(token))
    hours = int(purpose.lifetime.total_seconds() // 3600)
    by = actor.display_name if actor is not None else "The registry's operator"
    if purpose is Purpose.INVITATION:
        subject = "You are invited to the channel registry"
        opening = (
            f"{by} has added you to the {config['AGENCY_NAME']} social media channel registry "
            f"as {user.email}. Choose your password here:"
        )
    else:
        subject = "Set a new password for the channel registry"
        opening = (
            f"{by} has reset your password for the {config['AGENCY_NAME']} social media "
            "channel registry; your old password no longer works. Choose a new one here:"
        )
    body = (
        f"Kia ora {user.display_name},\n\n{opening}\n\n  {address}\n\n"
        f"The link works once, within {hours} hours. If you were not expecting this email, do "
        "not use the link and tell a registry administrator.\n"
    )
    notifications.send([user], subject, body, secret=True)


def invite_person(email: str, display_name: str, business_unit: object, actor: User | None) -> User:
    """Register a person without a password and email them an invitation to set one."""
    user = create_user(email, display_name, None, business_unit, actor=actor, commit=False)
    token = _issue(user, Purpose.INVITATION, actor)
    _email(user, Purpose.INVITATION, token, actor)
    db.session.commit()
    return user


def send_invitation(user: User, actor: User | None) -> PasswordLink:
    """A new invitation for someone who has not set a password yet; voids the older ones."""
    begin_write()
    user = locked_row(User, user.id)
    if user.password_set_at is not None:
        raise ConflictError(
            _(
                "%(name)s has already set a password, so there is no invitation to send. If "
                "they have forgotten it, reset their password.",
                name=user.display_name,
            )
        )
    token = _issue(user, Purpose.INVITATION, actor)
    _email(user, Purpose.INVITATION, token, actor)
    db.session.commit()
    return latest_link(user)


def send_password_reset(user: User, actor: User) -> PasswordLink:
    """End the person's password and sessions, and email them a link to choose a new one."""
    begin_write()
    user = locked_row(User, user.id)
    if user.password_set_at is None:
        raise ConflictError(
            _(
                "%(name)s has not accepted their invitation yet: send a new invitation instead.",
                name=user.display_name,
            )
        )
    token = _issue(user, Purpose.RESET, actor)
    # The reason for a reset may be a password someone else learned: it stops working now.
    user.password_hash = None
    user.session_generation += 1
    _email(user, Purpose.RESET, token, actor)
    db.session.commit()
    return latest_link(user)


def _find(token: object, purpose: Purpose, lock: bool = False) -> PasswordLink:
    if not isinstance(token, str) or not token or len(token) > _TOKEN_MAX_LENGTH:
        raise LinkNotUsable
    link_id = db.session.scalar(
        select(PasswordLink.id).where(
            PasswordLink.token_sha256 == token_digest(token),
            PasswordLink.purpose == purpose.value,
        )
    )
    if link_id is None:
        raise LinkNotUsable
    link = locked_row(PasswordLink, link_id) if lock else db.session.get(PasswordLink, link_id)
    if link is None or not link.usable_at(utcnow()) or not link.user.is_active_account:
        raise LinkNotUsable
    return link


def check_link(token: object, purpose: Purpose) -> User:
    """Whose password the link sets; LinkNotUsable otherwise."""
    return _find(token, purpose).user


def set_password_with_link(token: object, purpose: Purpose, password: str) -> User:
    """Set the person's password from their link: once, and every other session of theirs
    ends. The audit log records the door, never the token or the password."""
    begin_write()
    link = _find(token, purpose, lock=True)
    check_password_strength(password)
    user = link.user
    now = utcnow()
    link.used_at = now
    user.password_hash = hash_password(password)
    user.password_set_at = now
    user.session_generation += 1
    record(
        "password-set",
        "user",
        user.id,
        actor=user,
        via="invitation link" if purpose is Purpose.INVITATION else "reset link",
        after={"email": user.email, "password": "changed"},  # noqa: S106 - a note, not a value
    )
    db.session.commit()
    return user


def password_status(user: User, link: PasswordLink | None, tz_name: str) -> str:
    """What the admin pages say about a person's password, e.g. "Invitation sent on
    1 Dec 2026, 9:00am NZDT, not yet accepted"."""

    def when(moment: datetime) -> str:
        return format_local(moment, tz_name)

    now = utcnow()
    if user.password_set_at is None:
        if link is None:
            return _("No password yet and no invitation sent")
        if link.usable_at(now):
            return _(
                "Invitation sent on %(moment)s, not yet accepted", moment=when(link.created_at)
            )
        return _("Invitation sent on %(moment)s expired unused", moment=when(link.created_at))
    if user.password_hash is None:
        if link is not None and link.purpose == Purpose.RESET and link.usable_at(now):
            return _(
                "Password reset on %(moment)s: new password not yet chosen",
                moment=when(link.created_at),
            )
        return _("Password reset; the link expired unused: reset again")
    return _("Password set on %(moment)s", moment=when(user.password_set_at))
