"""The two addresses of signing in with the agency's identity provider: away to the provider,
and back with its answer (``registry/auth/oidc.py`` decides who that is)."""

from __future__ import annotations

from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.jose.errors import ExpiredTokenError, InvalidClaimError, JoseError
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from joserfc import errors as joserfc_errors
from requests import RequestException

from registry.auth import oidc
from registry.auth.views import safe_next
from registry.errors import NotFoundError

blueprint = Blueprint("oidc", __name__)
_NEXT = "oidc_next"


@blueprint.get("/sign-in/agency")
def start():
    if not oidc.enabled():
        raise NotFoundError(_("There is no page at this address."))
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    session[_NEXT] = safe_next(request.args.get("next"))
    try:
        return oidc.client().authorize_redirect(url_for("oidc.finish", _external=True))
    except (RequestException, OAuthError, ValueError):
        return _refused(
            _(
                "The agency's sign-in service did not answer. Try again in a few minutes, or "
                "sign in with your registry password if you have one."
            ),
            503,
        )


@blueprint.get("/sign-in/agency/return")
def finish():
    if not oidc.enabled():
        raise NotFoundError(_("There is no page at this address."))
    try:
        token = oidc.client().authorize_access_token(claims_options=oidc.claims_options())
    except MismatchingStateError:
        # Replayed, or the sign-in was started in another browser or session.
        return _refused(
            _(
                "That sign-in could not be finished: it was already used, or it was started "
                "somewhere else. Start again."
            )
        )
    except (ExpiredTokenError, joserfc_errors.ExpiredTokenError):
        return _refused(
            _(
                "The agency's sign-in service sent an answer that had already expired. Check "
                "this computer's clock, then start again."
            )
        )
    except (InvalidClaimError, joserfc_errors.InvalidClaimError) as error:
        if getattr(error, "claim_name", None) == "aud" or "aud" in str(error):
            reason = _("The agency's sign-in service sent an answer meant for another application.")
        else:
            reason = _("The agency's sign-in service sent an answer the registry cannot accept.")
        return _refused(reason + " " + _("Start again; if it happens again, tell IT."))
    except (OAuthError, JoseError, joserfc_errors.JoseError) as error:
        description = getattr(error, "description", None) or getattr(error, "error", "")
        return _refused(
            _(
                "The agency's sign-in service did not sign you in (%(reason)s). Start again.",
                reason=str(description)[:200] or _("no reason given"),
            )
        )
    except RequestException:
        return _refused(
            _("The agency's sign-in service did not answer. Try again in a few minutes."), 503
        )
    claims = token.get("userinfo") or {}
    user = oidc.person_for(claims, request.remote_addr)
    target = session.pop(_NEXT, None)
    login_user(user)
    oidc.remember_second_factor(claims)
    return redirect(safe_next(target) or url_for("dashboard.home"))


def _refused(message: str, status: int = 400):  # noqa: ANN202
    return render_template("auth/sign_in_refused.html", message=message), status


@blueprint.errorhandler(oidc.SignInRefused)
def refused(error: oidc.SignInRefused):  # noqa: ANN201
    return _refused(error.message, error.status)
