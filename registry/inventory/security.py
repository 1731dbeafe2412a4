"""The account security checklist each current channel is held to, and saving its record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.database import begin_write
from registry.errors import ConflictError, RegistryError
from registry.extensions import db
from registry.inventory.security_models import AccountSecurity, security_version

ACCESS_REVIEW_MONTHS = 12


@dataclass(frozen=True)
class CheckItem:
    label: str
    ok: bool
    fix: str


def looks_like_a_secret(text: str) -> bool:
    """A reference names where a password is kept; a password has no spaces and mixes kinds."""
    text = text.strip()
    if " " in text or len(text) < 10:
        return False
    kinds = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() for c in text),
        )
    )
    return kinds >= 3


def security_checklist(
    security: AccountSecurity | None, domain: str, today: date, admins: list[User]
) -> list[CheckItem]:
    security = security or AccountSecurity(mfa_enabled=False)
    active_admins = [u for u in admins if u.is_active_account]
    email = (security.recovery_email or "").strip().lower()
    host = email.rpartition("@")[2]
    reviewed = security.last_access_review
    return [
        CheckItem(
            "At least two agency staff hold admin access on the platform",
            len(active_admins) >= 2,
            _(
                "Name at least two current staff with admin access, so the account is never "
                "left with one (or no) person able to get in."
            ),
        ),
        CheckItem(
            "Multi-factor authentication is on",
            bool(security.mfa_enabled),
            _("Turn on multi-factor authentication for every admin on the platform."),
        ),
        CheckItem(
            f"The recovery email is on {domain}",
            bool(email) and (host == domain or host.endswith("." + domain)),
            _(
                "Use an agency mailbox on %(domain)s for account recovery, not a personal address.",
                domain=domain,
            ),
        ),
        CheckItem(
            "Where the credentials are held is recorded",
            bool((security.credentials_reference or "").strip()),
            _(
                "Record where the credentials are kept (e.g. the Communications team's password "
                "vault and the item's name) — never the password itself."
            ),
        ),
        CheckItem(
            f"Access was reviewed in the last {ACCESS_REVIEW_MONTHS} months",
            reviewed is not None and reviewed >= today - timedelta(days=366),
            _("Review who has access on the platform and record the date."),
        ),
    ]


def security_record(channel: Channel) -> AccountSecurity | None:
    return db.session.scalar(
        select(AccountSecurity).where(AccountSecurity.channel_id == channel.id)
    )


def security_admins(security: AccountSecurity | None) -> list[User]:
    """The people the record names as admins on the platform (left or not: the checklist
    counts only those still here)."""
    if security is None or not security.admin_ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(security.admin_ids))).unique())


def _stale_message(current: AccountSecurity | None, who: User | None) -> str:
    """Why a save from a page showing an older record is refused, and what it says now."""
    if current is None:
        now = _("there is no record")
    else:
        shown = {
            "admins": len(current.admin_ids),
            "email": current.recovery_email or _("none"),
            "review": current.last_access_review or _("none"),
        }
        if current.mfa_enabled:
            now = _(
                "multi-factor authentication on, %(admins)d admin(s), recovery email %(email)s, "
                "last access review %(review)s",
                **shown,
            )
        else:
            now = _(
                "multi-factor authentication off, %(admins)d admin(s), recovery email %(email)s, "
                "last access review %(review)s",
                **shown,
            )
    if who:
        return _(
            "The account security record changed since you opened this page (%(name)s saved "
            "it); nothing was saved. It now says: %(now)s. Saving again replaces that with what "
            "is below.",
            name=who.display_name,
            now=now,
        )
    return _(
        "The account security record changed since you opened this page; nothing was saved. "
        "It now says: %(now)s. Saving again replaces that with what is below.",
        now=now,
    )


def save_security(
    channel_id: int,
    actor: User,
    admin_ids: list[int],
    mfa_enabled: bool,
    recovery_email: str,
    credentials_reference: str,
    last_access_review: date | None,
    expected_version: str | None = None,
) -> AccountSecurity:
    """Save the record; ``expected_version`` is the ``security_version`` the page showed."""
    begin_write()
    channel = db.session.get(Channel, channel_id)
    if channel is None or channel.state_enum.closed:
        raise ConflictError(_("Only a current channel has an account security record."))
    current = security_record(channel)
    if expected_version is not None and expected_version != security_version(current):
        who = db.session.get(User, current.updated_by_id) if current else None
        raise RegistryError(_stale_message(current, who))
    if looks_like_a_secret(credentials_reference):
        raise RegistryError(
            _(
                "That looks like a password. Record where the credentials are kept (e.g. “Comms "
                "vault, item MEC Pasifika”), never the password itself."
            ),
            "credentials_reference",
        )
    if last_access_review and last_access_review > agency_today():
        raise RegistryError(
            _("The access review date cannot be in the future."), "last_access_review"
        )
    known = set(
        db.session.scalars(select(User.id).where(User.id.in_(admin_ids), User.is_active_account))
    )
    admin_ids = [i for i in admin_ids if i in known]
    security = security_record(channel) or AccountSecurity(channel_id=channel.id)
    db.session.add(security)
    security.admin_user_ids = ",".join(str(i) for i in sorted(set(admin_ids)))
    security.mfa_enabled = mfa_enabled
    security.recovery_email = recovery_email.strip()[:254]
    security.credentials_reference = credentials_reference.strip()[:300]
    security.last_access_review = last_access_review
    security.updated_by_id = actor.id
    admins = list(db.session.scalars(select(User).where(User.id.in_(security.admin_ids))).unique())
    checks = security_checklist(
        security, current_app.config["AGENCY_DOMAIN"], agency_today(), admins
    )
    channel.security_complete = all(c.ok for c in checks)
    record(
        "account-security-saved",
        "channel",
        channel.id,
        actor=actor,
        complete=channel.security_complete,
        failing=[c.label for c in checks if not c.ok],
    )
    db.session.commit()
    return security
