from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select

from registry.auth import invitations, services
from registry.auth.forms import SetPasswordForm, SignInForm
from registry.auth.invitations import LINK_NOT_USABLE, LinkNotUsable, Purpose
from registry.auth.models import User, email_lookup_key
from registry.auth.passwords import prepare as prepare_passwords
from registry.auth.permissions import current_actor
from registry.extensions import db, limiter, login_manager
from registry.forms import redisplay_on_refusal
from registry.i18n import N_

blueprint = Blueprint("auth", __name__)

login_manager.login_view = "auth.sign_in"
login_manager.login_message = _l("Sign in to continue.")
# Flashed in the session, so as a str in the page's language, never the lazy string itself.
login_manager.localize_callback = str
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

# In English, as tests read them; each page shows them translated: _(SIGN_IN_FAILED).
SIGN_IN_FAILED = N_("The email or password is not right, or the account is not active.")
SIGN_IN_THROTTLED = N_(
    "Too many failed sign-in attempts. Wait a few minutes, then try again. If you have "
    "forgotten your password, ask a registry administrator to send you a reset link."
)


def _account() -> str:
    # The same folding as the account lookup: an email with a NUL, a zero-width space or
    # capitals appended is the same account, so it must not open a fresh bucket.
    return email_lookup_key(request.form.get("email") or "")[:254]


def _account_key() -> str:
    return "account:" + _account()


def _account_and_address_key() -> str:
    return f"account-address:{request.remote_addr}:{_account()}"


def _failed(response) -> bool:  # noqa: ANN001
    """Only failed attempts count towards the limits; signing in successfully costs nothing."""
    return response.status_code != 302


def _parse_user_token(user_token: object) -> tuple[int, int] | None:
    if not isinstance(user_token, str):
        return None
    user_id, _sep, generation = user_token.partition(":")
    if not (
        user_id.isascii() and user_id.isdigit() and generation.isascii() and generation.isdigit()
    ):
        return None
    return int(user_id), int(generation)


# Built once: every signed-in request runs it (see offices._HELD).
_USER_BY_ID = select(User).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(user_token: str) -> User | None:
    """Cookies carry ``id:generation``; a cookie from before sign-out no longer matches."""
    parsed = _parse_user_token(user_token)
    if parsed is None:
        return None
    user = db.session.scalar(_USER_BY_ID, {"user_id": parsed[0]})
    if user is None or not user.is_active_account or user.session_generation != parsed[1]:
        return None
    return user


def expired_session_user_id() -> int | None:
    """Whose session this was, when the server has ended it but the signed cookie still names
    them (their generation moved on); None for a visitor who never signed in or signed out
    here. Enough to keep their unsaved work for them, never to act as them."""
    if current_user.is_authenticated:
        return None
    parsed = _parse_user_token(session.get("_user_id"))
    if parsed is None:
        return None
    user = db.session.get(User, parsed[0])
    return user.id if user is not None and user.is_active_account else None


def safe_next(target: str | None) -> str | None:
    """Only a local path: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# Three buckets, failures only. Someone guessing from one address meets the low limit for
# that account from that address, while the person still signs in from their own; guessing
# from many addresses meets the higher per-account limit, which lifts when its window ends,
# so no one can keep another person locked out indefinitely.
@blueprint.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
    key_func=_account_and_address_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="sign-in-account-address",
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="sign-in-account",
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    scope="sign-in-address",
)
def sign_in():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("dashboard.home"))
    prepare_passwords()
    form = SignInForm()
    failed = False
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.home"))
        failed = True
        form.password.data = ""
    return _sign_in_page(form, failed, _(SIGN_IN_FAILED))


def _sign_in_page(form: SignInForm, failed: bool, message: str, status: int = 200):  # noqa: ANN202
    config = current_app.config
    return render_template(
        "auth/sign_in.html",
        form=form,
        failed=failed,
        message=message,
        # The identity provider's button, when one is configured (registry/auth/oidc.py).
        agency_sign_in=bool(config.get("OIDC_ISSUER")),
        passwords_for_everyone=config.get("PASSWORD_SIGN_IN", "on") == "on",
    ), status


@blueprint.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    services.sign_out(current_actor())
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("auth.sign_in"))


def _link_failed(response) -> bool:  # noqa: ANN001
    """A link that opened nothing, or a password refused: only these count towards the limit."""
    return response.status_code == 404 or (request.method == "POST" and response.status_code != 302)


def _link_not_usable():  # noqa: ANN202
    # The same page and status whatever the reason: unknown, used, voided, expired, another
    # purpose's or a deactivated person's link.
    return render_template("auth/link_not_usable.html", message=_(LINK_NOT_USABLE)), 404


# One bucket for both kinds of link, per address, failures only (as for signing in).
_link_limit = limiter.shared_limit(
    lambda: current_app.config["PASSWORD_LINK_LIMIT_PER_ADDRESS"],
    scope="password-link-address",
    deduct_when=_link_failed,
)


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
@_link_limit
def accept_invitation(token: str):
    return _set_password(token, Purpose.INVITATION)


@blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
@_link_limit
def reset_password(token: str):
    return _set_password(token, Purpose.RESET)


def _set_password(token: str, purpose: Purpose):  # noqa: ANN202
    """The emailed link's page: the person chooses their own password, once."""
    try:
        user = invitations.check_link(token, purpose)
    except LinkNotUsable:
        return _link_not_usable()
    form = SetPasswordForm()
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            invitations.set_password_with_link(token, purpose, form.password.data)
        if isinstance(refusal.error, LinkNotUsable):
            return _link_not_usable()
        if not refusal:
            # Whoever was signed in at this browser is not the person who just chose a password.
            logout_user()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, user=user, purpose=purpose)


@blueprint.app_errorhandler(RateLimitExceeded)
def throttled(error: RateLimitExceeded):
    if request.endpoint == "auth.sign_in":
        form = SignInForm()
        form.password.data = ""
        return _sign_in_page(form, True, _(SIGN_IN_THROTTLED), 429)
    return render_template(
        "errors/error.html",
        code=429,
        title=_("Too many requests"),
        advice=_("Wait a few minutes, then try again."),
        detail=None,
    ), 429
