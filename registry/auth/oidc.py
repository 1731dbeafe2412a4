"""Signing in with the agency's identity provider (OpenID Connect: Microsoft Entra ID, Okta,
Google Workspace or any other), through Authlib.

Configured by environment variables (README "Signing in with the agency's identity
provider"): off unless ``OIDC_ISSUER`` is set. The provider proves who the person is; the
registry decides what they may do: a person is matched to their registry account by a
verified email in an allowed domain, and offices still come only from appointments. A person
the registry does not know is refused, or (``OIDC_NEW_PEOPLE=staff``) gets a staff account
in no business unit, which an administrator places.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session
from flask_babel import gettext as _

from registry.audit.log import record
from registry.auth import services
from registry.auth.models import User, email_lookup_key
from registry.database import begin_write
from registry.errors import ForbiddenError
from registry.extensions import db

PROVIDER = "agency"
# What the session remembers of the sign-in: the provider said it checked a second factor.
SESSION_MFA = "signed_in_with_mfa"
# Authentication methods (RFC 8176) that are, or include, a second factor. Entra ID reports
# "mfa"; others name the factor itself.
SECOND_FACTORS = frozenset({"mfa", "otp", "hwk", "swk", "sms", "tel", "fido", "face", "fpt"})


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def init_app(app: Flask) -> None:
    issuer = (app.config.get("OIDC_ISSUER") or "").rstrip("/")
    if not issuer:
        return
    # One client registry per app (Authlib's OAuth caches its clients).
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile", "timeout": 10},
    )
    app.extensions["registry_oidc"] = oauth


def client() -> Any:
    return current_app.extensions["registry_oidc"].create_client(PROVIDER)


def claims_options() -> dict[str, Any]:
    """What the ID token must say: issued by our provider, for this registry."""
    return {
        "iss": {"essential": True, "values": [current_app.config["OIDC_ISSUER"].rstrip("/")]},
        "aud": {"essential": True, "values": [current_app.config["OIDC_CLIENT_ID"]]},
    }


class SignInRefused(ForbiddenError):
    """The provider vouched for someone the registry will not sign in; the message says why."""


def _allowed_domain(email: str) -> bool:
    allowed = current_app.config.get("OIDC_ALLOWED_DOMAINS") or ()
    domain = email.rpartition("@")[2]
    return not allowed or domain in allowed


def second_factor(claims: Mapping[str, Any]) -> bool:
    methods = claims.get("amr") or ()
    if isinstance(methods, str):
        methods = (methods,)
    return any(str(method).lower() in SECOND_FACTORS for method in methods)


def person_for(claims: Mapping[str, Any], remote_addr: str | None) -> User:
    """The registry account the provider's claims are for; SignInRefused (audited) if none."""
    begin_write()
    email = email_lookup_key(str(claims.get("email") or ""))
    refusal = None
    if not email or "@" not in email:
        refusal = _("Your agency account has no email address the registry can use.")
    elif claims.get("email_verified") is not True:
        refusal = _(
            "Your agency account's email address is not verified. Ask your IT service desk "
            "to verify it, then sign in again."
        )
    elif not _allowed_domain(email):
        refusal = _("Only accounts of the agency's own email domains can sign in here.")
    user = services.find_user_by_email(email) if refusal is None else None
    if refusal is None and user is None:
        if current_app.config.get("OIDC_NEW_PEOPLE") == "staff":
            name = str(claims.get("name") or email.partition("@")[0])[:200]
            user = services.create_user(email, name, None, commit=False)
        else:
            refusal = _(
                "The registry has no account for %(email)s. Ask a registry administrator to "
                "add you.",
                email=email,
            )
    if refusal is None and user is not None and not user.is_active_account:
        refusal = _("Your registry account is not active. Ask a registry administrator.")
    if refusal is not None or user is None:
        record(
            "sign-in-failed",
            "user",
            user.id if user else "-",
            actor_label=email[:254] or "(none)",
            address=remote_addr,
            reason="identity provider: " + (refusal or ""),
        )
        db.session.commit()
        raise SignInRefused(refusal or "")
    mfa = second_factor(claims)
    record(
        "sign-in",
        "user",
        user.id,
        actor=user,
        address=remote_addr,
        method="identity provider" + (" with multi-factor" if mfa else ""),
    )
    db.session.commit()
    return user


def remember_second_factor(claims: Mapping[str, Any]) -> None:
    session[SESSION_MFA] = second_factor(claims)


def session_has_second_factor() -> bool:
    return bool(session.get(SESSION_MFA))


def require_second_factor_to_sign_off() -> None:
    """ForbiddenError unless signing off may go ahead on this session's sign-in
    (SIGNOFF_REQUIRES_MFA: only a sign-in the identity provider reported a second factor for;
    a registry password never counts)."""
    if current_app.config.get("SIGNOFF_REQUIRES_MFA") and not session_has_second_factor():
        raise ForbiddenError(
            _(
                "Signing off needs a sign-in with a second factor. Sign out, then sign in with "
                "your agency account; it asks for your second factor."
            )
        )
