"""Read-only JSON API (token-authenticated) and the page where people manage their tokens."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from registry.api import services
from registry.api.channels import channel_in_scope, channel_json, channel_page, charters_for
from registry.api.channels import page_json as channel_page_json
from registry.api.forms import TokenForm
from registry.api.openapi import openapi_document
from registry.auth.models import User
from registry.auth.permissions import current_actor
from registry.errors import RegistryError
from registry.extensions import csrf, db
from registry.forms import redisplay_on_refusal
from registry.inventory.access import inventory_scope
from registry.inventory.filters import FiltersNotApplied, checked_filters

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
account_blueprint = Blueprint("account", __name__, url_prefix="/account")

# Bearer tokens, not cookies, authenticate the API, so a cross-site form cannot ride on them;
# and every route is GET.
csrf.exempt(blueprint)

# The catch-all answers OPTIONS too: Flask's automatic OPTIONS would list the catch-all's
# methods as allowed on every API path.
_UNMATCHED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_ALLOWED = "GET, HEAD, OPTIONS"


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        headers: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.details = details or {}


def _error_response(
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> Response:
    # Values sent are quoted back (a filter's value): "<", ">" and "&" go out as JSON escapes,
    # so no answer carries markup even to a client that ignores the content type.
    body = current_app.json.dumps({"error": message, **(details or {})})
    for character in "<>&":
        body = body.replace(character, f"\\u{ord(character):04x}")
    response = current_app.response_class(body + "\n", mimetype="application/json")
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@blueprint.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return _error_response(error.status, error.message, error.headers, error.details)


@blueprint.errorhandler(RegistryError)
def _domain_error(error: RegistryError) -> Response:
    # The same refusals the pages show, as JSON with the status the error carries.
    db.session.rollback()
    return _error_response(error.status, error.message)


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    # JSON for API clients; the app's handler would answer with an HTML page.
    return _error_response(error.code or 500, error.description or error.name)


@blueprint.errorhandler(Exception)
def _unexpected_error(error: Exception) -> Response:
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return _error_response(500, "Something went wrong on our side. Try again in a moment.")


@blueprint.after_request
def _api_headers(response: Response) -> Response:
    # Answers depend on the token and show non-public data: no shared or browser caching.
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Authorization")
    return response


def _bearer_user() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _space, raw_token = header.partition(" ")
    if scheme.lower() != "bearer" or not raw_token.strip():
        raise ApiError(
            401,
            "Send an API token in the Authorization header: 'Authorization: Bearer <token>'. "
            "Create one on the API tokens page.",
            {"WWW-Authenticate": 'Bearer realm="registry"'},
        )
    user = services.authenticate(raw_token.strip())
    if user is None:
        raise ApiError(
            401,
            "The API token is not valid: it is mistyped, was revoked, or its owner's account is "
            "no longer active.",
            {"WWW-Authenticate": 'Bearer realm="registry", error="invalid_token"'},
        )
    return user


@blueprint.get("/channels", provide_automatic_options=False)
def channels() -> Response:
    scope = inventory_scope(_bearer_user())  # 403 as JSON when none
    try:
        filters = checked_filters(request.args, scope)
        return jsonify(channel_page_json(channel_page(filters, scope), filters))
    except FiltersNotApplied as refused:
        details = {"problems": [problem.as_json() for problem in refused.problems]}
        raise ApiError(400, refused.message, details=details) from refused


@blueprint.get("/channels/<int:channel_id>", provide_automatic_options=False)
def channel(channel_id: int) -> Response:
    scope = inventory_scope(_bearer_user())  # 403 as JSON when none
    found = channel_in_scope(channel_id, scope)
    if found is None:
        # Out of scope looks the same as missing: the API does not confirm what exists.
        raise ApiError(404, f"There is no channel {channel_id} that this token can see.")
    return jsonify(channel_json(found, charters_for([found]).get(found.proposal_id)))


@blueprint.get("/openapi.json", provide_automatic_options=False)
def openapi() -> Response:
    response = jsonify(openapi_document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@blueprint.route("/", defaults={"rest": ""}, methods=_UNMATCHED_METHODS)
@blueprint.route("/<path:rest>", methods=_UNMATCHED_METHODS)
def unmatched(rest: str) -> Response:
    """Anything else under /api/v1: a JSON 404; for a known path, OPTIONS or a JSON 405.

    Routing errors never reach a blueprint's error handlers, so this route catches them.
    """
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _arguments = adapter.match(request.path, method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):
        endpoint = None
    if endpoint is None or endpoint == "api.unmatched":
        raise ApiError(404, "There is nothing at this address. See /api/v1/openapi.json.")
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": _ALLOWED})
    raise ApiError(405, "The API is read-only: use GET.", {"Allow": _ALLOWED})


# --- the API tokens page -------------------------------------------------------------------


@account_blueprint.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Response:
    user = current_actor()
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            created, plain = services.create_token(user, form.name.data)
        if not refusal:
            # Shown in this response only; a redirect would have to keep the token somewhere.
            new_token = {"name": created.name, "value": plain}
            form = TokenForm(formdata=None)
    response = make_response(
        render_template(
            "api/tokens.html",
            form=form,
            tokens=services.tokens_of(user),
            new_token=new_token,
        )
    )
    if new_token is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@account_blueprint.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    # Someone else's token, or none, is a 404 from the app's one domain-error handler.
    with redisplay_on_refusal() as refusal:
        token = services.revoke_token(token_id, current_actor())
    if refusal.status == 404:
        raise refusal.error
    if refusal:
        flash(refusal.message, "warning")
    else:
        flash(
            _(
                "Revoked “%(name)s” (%(prefix)s…). Anything using it can no longer read the "
                "registry.",
                name=token.name,
                prefix=token.prefix,
            ),
            "success",
        )
    return redirect(url_for("account.tokens"))
