"""People and business units: create, change, deactivate, authenticate."""

from __future__ import annotations

import hashlib
import re

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from registry.audit.log import record
from registry.auth.models import BusinessUnit, PasswordLink, User, email_lookup_key
from registry.auth.passwords import hash_password, verify_password
from registry.database import begin_write
from registry.errors import RegistryError
from registry.extensions import db
from registry.signals import person_deactivated, values_from
from registry.timeutil import utcnow

MIN_PASSWORD_LENGTH = 12
_UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def normalise_email(email: str) -> str:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise RegistryError(
            _("Enter a valid email address: %(problem)s", problem=str(exc)), "email"
        ) from exc
    return email_lookup_key(result.normalized)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RegistryError(
            _("Use a password of at least %(num)d characters.", num=MIN_PASSWORD_LENGTH),
            "password",
        )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email_lookup_key(email)))


def find_unit_by_code(code: str) -> BusinessUnit | None:
    return db.session.scalar(select(BusinessUnit).where(BusinessUnit.code == code.strip().upper()))


def authenticate(email: str, password: str, remote_addr: str | None) -> User | None:
    """The user, if the email and password match an active account; audits both outcomes."""
    begin_write()
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    allowed = password_sign_in_allowed(email)
    if ok and allowed and user is not None and user.is_active_account:
        record("sign-in", "user", user.id, actor=user, address=remote_addr)
        db.session.commit()
        return user
    if ok and not allowed:
        reason = "registry passwords are off for this account"
    else:
        reason = "deactivated" if ok and user is not None else "bad credentials"
    record(
        "sign-in-failed",
        "user",
        user.id if user else "-",
        actor_label=email_lookup_key(email)[:254] or "(blank)",
        address=remote_addr,
        reason=reason,
    )
    db.session.commit()
    return None


def password_sign_in_allowed(email: str) -> bool:
    """Registry passwords are on, or this is a break-glass account (PASSWORD_SIGN_IN)."""
    config = current_app.config
    if config.get("PASSWORD_SIGN_IN", "on") == "on":
        return True
    return email_lookup_key(email) in config.get("BREAK_GLASS_EMAILS", ())


def sign_out(user: User) -> None:
    """Invalidate every session of ``user``: cookies carry the generation they were issued in."""
    begin_write()
    user.session_generation += 1
    record("sign-out", "user", user.id, actor=user)
    db.session.commit()


def create_unit(code: str, name: str, actor: User | None = None) -> BusinessUnit:
    begin_write()
    code = code.strip().upper()
    name = " ".join(name.split())
    if not _UNIT_CODE.match(code):
        raise RegistryError(
            _("Use a short code of letters, digits and hyphens (up to 20), e.g. POL or COMMS."),
            "code",
        )
    if not name:
        raise RegistryError(_("Enter the business unit's name."), "name")
    if find_unit_by_code(code):
        raise RegistryError(
            _("A business unit with the code %(code)s already exists.", code=code), "code"
        )
    if db.session.scalar(select(BusinessUnit).where(BusinessUnit.name == name)):
        raise RegistryError(_("A business unit called %(name)s already exists.", name=name), "name")
    unit = BusinessUnit(code=code, name=name)
    db.session.add(unit)
    db.session.flush()
    record(
        "unit-created", "business_unit", unit.id, actor=actor, after={"code": code, "name": name}
    )
    db.session.commit()
    return unit


def rename_unit(unit: BusinessUnit, name: str, actor: User) -> None:
    begin_write()
    name = " ".join(name.split())
    if not name:
        raise RegistryError(_("Enter the business unit's name."), "name")
    clash = db.session.scalar(
        select(BusinessUnit).where(BusinessUnit.name == name, BusinessUnit.id != unit.id)
    )
    if clash:
        raise RegistryError(_("A business unit called %(name)s already exists.", name=name), "name")
    before = unit.name
    unit.name = name
    record("unit-renamed", "business_unit", unit.id, actor=actor, before=before, after=name)
    db.session.commit()


def create_user(
    email: str,
    display_name: str,
    password: str | None,
    business_unit: BusinessUnit | None = None,
    actor: User | None = None,
    commit: bool = True,
) -> User:
    """Register a person. Without a password they cannot sign in until they set one from an
    invitation (``invitations.invite_person``), which is how the admin pages add people."""
    begin_write()
    email = normalise_email(email)
    display_name = " ".join(display_name.split())
    if not display_name:
        raise RegistryError(_("Enter the person's name as it should appear on sign-offs."), "name")
    if password is not None:
        check_password_strength(password)
    if find_user_by_email(email):
        raise RegistryError(
            _("Someone is already registered with %(email)s.", email=email), "email"
        )
    user = User(
        email=email,
        display_name=display_name,
        password_hash=hash_password(password) if password is not None else None,
        password_set_at=utcnow() if password is not None else None,
        business_unit=business_unit,
        is_active_account=True,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user-created",
        "user",
        user.id,
        actor=actor,
        after={"email": email, "name": display_name, "unit": getattr(business_unit, "code", None)},
    )
    if commit:
        db.session.commit()
    return user


def account_version(user: User) -> str:
    """What the admin edit page was showing of an account, as a short token: a save made from
    a page showing something else is refused rather than silently undoing a change."""
    shown = f"{user.display_name}\x00{user.business_unit_id}\x00{user.is_active_account}"
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _changed_meanwhile(user: User) -> str:
    """The refusal of a save made from a page showing the account as it no longer is."""
    if user.business_unit is None:
        if user.is_active_account:
            text = _(
                "%(name)s's account changed since you opened this page: it is now named "
                "%(name)s, in no business unit, active. Nothing was saved. Check the details "
                "below and save again if they are what you mean.",
                name=user.display_name,
            )
        else:
            text = _(
                "%(name)s's account changed since you opened this page: it is now named "
                "%(name)s, in no business unit, deactivated. Nothing was saved. Check the "
                "details below and save again if they are what you mean.",
                name=user.display_name,
            )
    elif user.is_active_account:
        text = _(
            "%(name)s's account changed since you opened this page: it is now named %(name)s, "
            "in %(unit)s, active. Nothing was saved. Check the details below and save again if "
            "they are what you mean.",
            name=user.display_name,
            unit=user.business_unit.name,
        )
    else:
        text = _(
            "%(name)s's account changed since you opened this page: it is now named %(name)s, "
            "in %(unit)s, deactivated. Nothing was saved. Check the details below and save "
            "again if they are what you mean.",
            name=user.display_name,
            unit=user.business_unit.name,
        )
    return text


def update_user(
    user: User,
    actor: User,
    display_name: str,
    business_unit: BusinessUnit | None,
    active: bool,
    expected_version: str | None = None,
) -> list:
    """Save an admin's changes. Returns the channels a deactivation leaves without their
    people (flagged for reassignment in the same transaction).

    ``expected_version`` is the ``account_version`` of the page the admin edited (the pages
    always give it): two tabs must not undo each other, e.g. a stale page re-activating a
    person another administrator has just deactivated.
    """
    begin_write()
    db.session.refresh(user)
    if expected_version is not None and expected_version != account_version(user):
        raise RegistryError(_changed_meanwhile(user))
    display_name = " ".join(display_name.split())
    if not display_name:
        raise RegistryError(_("Enter the person's name as it should appear on sign-offs."), "name")
    if user.id == actor.id and not active:
        raise RegistryError(_("You cannot deactivate your own account."), "active")
    if active and not user.is_active_account:
        _refuse_reviving_offices(user)
    before = _user_summary(user)
    user.display_name = display_name
    user.business_unit = business_unit
    if user.is_active_account and not active:
        user.session_generation += 1  # signs them out everywhere
    user.is_active_account = active
    after = _user_summary(user)
    record("user-updated", "user", user.id, actor=actor, before=before, after=after)
    flagged = []
    if before["active"] and not active:
        db.session.flush()
        # The inventory flags the channels that name them; the API revokes their tokens.
        flagged = [c for found in values_from(person_deactivated, user, actor=actor) for c in found]
        # Reactivation must not bring back a link sent before: it would still be in the inbox.
        void_password_links(user)
    db.session.commit()
    return flagged


def set_password_by_operator(user: User, password: str) -> None:
    """The operator's door (``flask registry set-password``), for someone who cannot receive
    the emailed reset link; no administrator ever sets a password. Every session of theirs
    ends, and any link still waiting in their inbox is voided; the audit log records the door,
    never the password."""
    # Imported here: offices builds on this module's people.
    from registry.auth.offices import OPERATOR

    begin_write()
    check_password_strength(password)
    user.password_hash = hash_password(password)
    user.password_set_at = utcnow()
    user.session_generation += 1
    # A link still in someone's inbox must not replace the password chosen here.
    void_password_links(user)
    record(
        "password-set",
        "user",
        user.id,
        actor=None,
        actor_label=OPERATOR,
        via="command line",
        after={"email": user.email, "password": "changed"},  # noqa: S106 - a note, not a value
    )
    db.session.commit()


def void_password_links(user: User) -> int:
    """Every unused invitation or reset link of ``user`` stops working; returns how many."""
    return db.session.execute(
        update(PasswordLink)
        .where(
            PasswordLink.user_id == user.id,
            PasswordLink.used_at.is_(None),
            PasswordLink.voided_at.is_(None),
        )
        .values(voided_at=utcnow())
    ).rowcount


def _refuse_reviving_offices(user: User) -> None:
    """A deactivated person holds nothing; reactivating them would give back, on one
    administrator's word, offices that need a second administrator to be given."""
    # Imported here: offices build on this module's people.
    from registry.auth.offices import agency_today

    today = agency_today()
    waiting = [
        a.capacity
        for a in user.appointments
        if a.in_force
        and a.office_enum.needs_second_admin
        and (a.ends_on is None or a.ends_on >= today)
    ]
    if waiting:
        raise RegistryError(
            _(
                "Reactivating %(name)s would give back %(offices)s without a second "
                "administrator. End that appointment first (it stays on record), then ask for "
                "a new one, which another administrator confirms.",
                name=user.display_name,
                offices=", ".join(waiting),
            ),
            "active",
        )


def _user_summary(user: User) -> dict:
    return {
        "name": user.display_name,
        "unit": user.business_unit.code if user.business_unit else None,
        "active": user.is_active_account,
    }
