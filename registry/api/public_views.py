"""The open data: the register as JSON, CSV and Atom, "is this official?" for machines, and
the signing keys. No token; throttled per address; open to any origin (read-only, nothing
private); on and off with the public register (``PUBLIC_REGISTER_ENABLED``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from registry import signing
from registry.api import keys
from registry.api.feed import atom_feed
from registry.api.open_data import (
    encode,
    public_channels,
    register_csv,
    register_document,
    register_updated,
    verify,
)
from registry.api.other_agencies import with_other_agencies
from registry.errors import NotFoundError
from registry.extensions import csrf, limiter
from registry.i18n import public_page
from registry.policy.accounts import looks_like_address
from registry.policy.platforms import PLATFORMS

public_api = Blueprint("public_api", __name__, url_prefix="/api/public/v1")
open_data_page = Blueprint("open_data", __name__, url_prefix="/register")
csrf.exempt(public_api)

_METHODS = "GET, HEAD, OPTIONS"
_EXPOSED = "ETag, Last-Modified, Registry-Signature, Retry-After, X-RateLimit-Limit, " + (
    "X-RateLimit-Remaining, X-RateLimit-Reset"
)
_SEND = (
    "Send url= (the account's address, e.g. https://www.facebook.com/MECNZ), or handle= and "
    "platform= (one of: {platforms})."
)
_limit = limiter.shared_limit(lambda: current_app.config["OPEN_DATA_RATE_LIMIT"], scope="open-data")


class PublicApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_error(status: int, message: str) -> Response:
    body = encode({"error": message})
    response = current_app.response_class(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@public_api.errorhandler(PublicApiError)
def _refused(error: PublicApiError) -> Response:
    return _json_error(error.status, error.message)


@public_api.errorhandler(RateLimitExceeded)
def _throttled(error: RateLimitExceeded) -> Response:
    # Flask-Limiter adds Retry-After to the response on its way out.
    return _json_error(
        429,
        f"Too many requests from your address ({error.description}). Wait "
        "for the time in Retry-After, then try again.",
    )


@public_api.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return _json_error(error.code or 500, error.description or error.name)


@public_api.before_request
def _published_with_the_register() -> None:
    if not current_app.config["PUBLIC_REGISTER_ENABLED"]:
        raise PublicApiError(404, "There is nothing at this address.")


@public_api.after_request
def _open_to_any_origin(response: Response) -> Response:
    # Read-only, public, no cookies read: any site's script may fetch it.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = _EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = _METHODS
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _published(body: bytes, mimetype: str, last_modified: Any, signed: bool = True) -> Response:
    """``body`` with its cache headers and signature, or 304 when the client has it."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = current_app.response_class(body, mimetype=mimetype)
    response.set_etag(etag)
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['OPEN_DATA_MAX_AGE_SECONDS']}"
    )
    if last_modified is not None:
        response.last_modified = last_modified
    signature = keys.sign(body) if signed else None
    if signature is not None:
        response.headers[signing.HEADER] = signature.header()
    if request.if_none_match.contains(etag):
        response.status_code = 304
        response.set_data(b"")
    return response


def _document(name: str) -> tuple[bytes, str, Any]:
    items = public_channels()
    updated = register_updated(items)
    builders: dict[str, tuple[Callable[[], bytes], str]] = {
        "channels.json": (lambda: encode(register_document(items, updated)), "application/json"),
        "channels.csv": (lambda: register_csv(items), "text/csv"),
        "feed.atom": (lambda: atom_feed(items, updated), "application/atom+xml"),
    }
    build, mimetype = builders[name]
    return build(), mimetype, updated


_DOCUMENTS = ("channels.json", "channels.csv", "feed.atom")


def _document_view(name: str) -> Callable[[], Response]:
    def view() -> Response:
        body, mimetype, updated = _document(name)
        return _published(body, mimetype, updated)

    view.__name__ = name.replace(".", "_")
    return view


def _signature_view(name: str) -> Callable[[], Response]:
    def view() -> Response:
        body, _mimetype, updated = _document(name)
        signature = keys.sign(body)
        if signature is None:
            raise PublicApiError(
                404,
                "This registry does not sign its open data: it has no signing key configured "
                "(see keys.json).",
            )
        sig = encode({**signature.as_json(), "sha256": hashlib.sha256(body).hexdigest()})
        return _published(sig, "application/json", updated, signed=False)

    view.__name__ = name.replace(".", "_") + "_sig"
    return view


for _name in _DOCUMENTS:
    public_api.add_url_rule(f"/{_name}", view_func=_limit(_document_view(_name)))
    public_api.add_url_rule(f"/{_name}.sig", view_func=_limit(_signature_view(_name)))


@public_api.get("/verify")
@_limit
def verify_account() -> Response:
    """Is this account the agency's? By address, or by handle on a platform."""
    url = request.args.get("url", "").strip()
    handle = request.args.get("handle", "").strip()
    platform = request.args.get("platform", "").strip()
    send = _SEND.format(platforms=", ".join(PLATFORMS))
    if url and (handle or platform):
        raise PublicApiError(400, "Send either url= or handle= with platform=, not both. " + send)
    if url:
        if len(url) > 500 or not looks_like_address(url):
            raise PublicApiError(400, f"url= is not a web address. {send}")
        document = with_other_agencies(verify(url), url)
    elif handle:
        if platform not in PLATFORMS:
            raise PublicApiError(400, f"platform= is missing or unknown. {send}")
        if len(handle) > 200:
            raise PublicApiError(400, f"handle= is longer than any handle. {send}")
        document = with_other_agencies(verify(handle, platform), handle, platform)
    else:
        raise PublicApiError(400, f"Nothing to check. {send}")
    return _published(encode(document), "application/json", None)


@public_api.get("/keys.json")
@_limit
def signing_keys() -> Response:
    return _published(encode(keys.keys_document()), "application/json", None, signed=False)


@open_data_page.get("/open-data")
@public_page
def open_data() -> str:
    """For people: where the open data is, and the key its signatures are checked with."""
    if not current_app.config["PUBLIC_REGISTER_ENABLED"]:
        raise NotFoundError(_("There is no page at this address."))
    return render_template("api/open_data.html", keys=keys.keys_document())
