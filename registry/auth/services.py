"""People and business units: create, change, deactivate, authenticate."""

from __future__ import annotations

import hashlib
import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update

from registry.audit.log import record
from registry.auth.models import BusinessUnit, PasswordLink, User, email_lookup_key
from registry.auth.passwords import hash_password, verify_password
from registry.database import begin_write
from registry.errors import RegistryError
from registry.extensions import db
from registry.timeutil import utcnow

MIN_PASSWORD_LENGTH = 12
_UNIT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def normalise_email(email: str) -> str:
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise RegistryError(f"Enter a valid email address: {exc}", "email") from exc
    return email_lookup_key(result.normalized)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RegistryError(
            f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.", "password"
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
    if ok and user is not None and user.is_active_account:
        record("sign-in", "user", user.id, actor=user, address=remote_addr)
        db.session.commit()
        return user
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
            "Use a short code of letters, digits and hyphens (up to 20), e.g. POL or COMMS.",
            "code",
        )
    if not name:
        raise RegistryError("Enter the business unit's name.", "name")
    if find_unit_by_code(code):
        raise RegistryError(f"A business unit with the code {code} already exists.", "code")
    if db.session.scalar(select(BusinessUnit).where(BusinessUnit.name == name)):
        raise RegistryError(f"A business unit called {name} already exists.", "name")
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
        raise RegistryError("Enter the business unit's name.", "name")
    clash = db.session.scalar(
        select(BusinessUnit).where(BusinessUnit.name == name, BusinessUnit.id != unit.id)
    )
    if clash:
        raise RegistryError(f"A business unit called {name} already exists.", "name")
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
        raise RegistryError("Enter the person's name as it should appear on sign-offs.", "name")
    if password is not None:
        check_password_strength(password)
    if find_user_by_email(email):
        raise RegistryError(f"Someone is already registered with {email}.", "email")
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
        unit = user.business_unit.name if user.business_unit else "no business unit"
        state = "active" if user.is_active_account else "deactivated"
        raise RegistryError(
            f"{user.display_name}'s account changed since you opened this page: it is now "
            f"named {user.display_name}, in {unit}, {state}. Nothing was saved. Check the "
            "details below and save again if they are what you mean."
        )
    display_name = " ".join(display_name.split())
    if not display_name:
        raise RegistryError("Enter the person's name as it should appear on sign-offs.", "name")
    if user.id == actor.id and not active:
        raise RegistryError("You cannot deactivate your own account.", "active")
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
        flagged = flag_channels_of(user, actor)
        revoke_tokens_of(user, actor)
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
            f"Reactivating {user.display_name} would give back {', '.join(waiting)} without a "
            "second administrator. End that appointment first (it stays on record), then ask "
            "for a new one, which another administrator confirms.",
            "active",
        )


def flag_channels_of(user: User, actor: User | None) -> list:
    # Imported here: channels build on people, not the other way round.
    from registry.inventory.people import recheck_people

    db.session.flush()
    flagged = recheck_people(user.id)
    for channel in flagged:
        record(
            "channel-people-flagged",
            "channel",
            channel.id,
            actor=actor,
            person=user.email,
            problem=channel.people_problem[:500],
        )
    return flagged


def revoke_tokens_of(user: User, actor: User | None) -> None:
    """A deactivated person's API tokens stop working for good, not just while inactive."""
    # Imported here: the API builds on people, not the other way round.
    from registry.api.services import revoke_all_tokens

    revoke_all_tokens(user, actor, reason="account deactivated")


def _user_summary(user: User) -> dict:
    return {
        "name": user.display_name,
        "unit": user.business_unit.code if user.business_unit else None,
        "active": user.is_active_account,
    }
