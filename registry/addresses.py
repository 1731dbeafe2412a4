"""The address the registry is served on: where links in emails, the API and charters start.

In production it is ``REGISTRY_BASE_URL``, and the registry refuses to start without it:
behind a proxy the request's own host is an internal one, and a charter printed with it
would send the public nowhere. In development, when it is not set, links follow the address
the page was asked on (``make run PORT=5001`` just works); outside a request (the worker
rendering a charter) they use the port ``flask run`` was given (``FLASK_RUN_PORT``).
"""

from __future__ import annotations

import os

from flask import current_app, has_request_context, request

DEVELOPMENT_HOST = "127.0.0.1"


def base_url() -> str:
    """The registry's public address, without a trailing slash."""
    configured = current_app.config.get("BASE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return f"http://{DEVELOPMENT_HOST}:{os.environ.get('FLASK_RUN_PORT') or '5000'}"


def absolute(path: str) -> str:
    """``path`` (starting with "/") as a full address on the registry."""
    return base_url() + path
