"""The channel governance registry: a Flask application factory."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from config import CONFIGS, MIN_SECRET_KEY_LENGTH, Config, instance_dir
from registry import i18n
from registry.database import configure_sqlite
from registry.errors import RegistryError
from registry.extensions import csrf, db, limiter, login_manager, migrate
from registry.routing import RowIdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _load_config(config_name_or_object: str | object | None) -> object:
    if config_name_or_object is None:
        config_name_or_object = os.environ.get("REGISTRY_ENV", "development")
    if isinstance(config_name_or_object, str):
        if config_name_or_object not in CONFIGS:
            raise SystemExit(
                f"Unknown REGISTRY_ENV {config_name_or_object!r}: use one of {', '.join(CONFIGS)}."
            )
        if config_name_or_object == "development":
            # .env is a developer convenience; production takes its settings from the environment.
            from dotenv import load_dotenv

            load_dotenv(PROJECT_ROOT / ".env")
        return CONFIGS[config_name_or_object]()
    if isinstance(config_name_or_object, type):
        return config_name_or_object()
    return config_name_or_object


def _refuse_weak_secret(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production":
        return
    secret = app.config.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_KEY_LENGTH or "development" in secret or "testing" in secret:
        print(
            "Refusing to start: set SECRET_KEY to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters (e.g. python -c 'import secrets; "
            "print(secrets.token_hex(32))').",
            file=sys.stderr,
        )
        raise SystemExit(1)


def _refuse_missing_base_url(app: Flask) -> None:
    if app.config.get("ENV_NAME") != "production" or app.config.get("BASE_URL"):
        return
    print(
        "Refusing to start: set REGISTRY_BASE_URL to the registry's public address (e.g. "
        "https://registry.example.govt.nz); charters and emails print it.",
        file=sys.stderr,
    )
    raise SystemExit(1)


def _refuse_unusable_signing_key(app: Flask) -> None:
    from registry.api.keys import check_keys

    problem = check_keys(app.config)
    if problem is None:
        return
    print(f"Refusing to start: OPEN_DATA_SIGNING_KEY_FILE: {problem}", file=sys.stderr)
    raise SystemExit(1)


def _refuse_check_test_origins(app: Flask) -> None:
    """Only testing and development may point a platform's host at a loopback server that
    plays it; in production nothing can make the channel checker fetch another address."""
    from registry.checks.fetch import TestOriginsRefused, test_origins

    try:
        test_origins(app.config.get("CHANNEL_CHECK_TEST_ORIGINS", ""), app.config["ENV_NAME"])
    except TestOriginsRefused as error:
        print(f"Refusing to start: {error}", file=sys.stderr)
        raise SystemExit(1) from error


def create_app(config_name_or_object: str | Config | type | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(instance_dir()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    # Replaces Werkzeug's own, before any route is added, so no <int:...> can miss it.
    app.url_map.converters["int"] = RowIdConverter
    app.config.from_object(_load_config(config_name_or_object))
    _refuse_weak_secret(app)
    _refuse_missing_base_url(app)
    _refuse_unusable_signing_key(app)
    _refuse_check_test_origins(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    from registry.auth import oidc

    oidc.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    _register_models()
    connect_receivers()
    _register_jobs(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    _register_security_headers(app)

    from registry.cli import register_cli

    register_cli(app)
    return app


def _register_models() -> None:
    # Imported for their side effect: every table is known to Alembic and the ORM.
    from registry.api import models as _api  # noqa: F401
    from registry.audit import models as _audit  # noqa: F401
    from registry.auth import models as _auth  # noqa: F401
    from registry.channels import models as _channels  # noqa: F401
    from registry.charters import models as _charters  # noqa: F401
    from registry.checks import models as _checks  # noqa: F401
    from registry.elections import models as _elections  # noqa: F401
    from registry.federation import models as _federation  # noqa: F401
    from registry.inventory import attestation_models as _attestations  # noqa: F401
    from registry.inventory import models as _inventory  # noqa: F401
    from registry.inventory import security_models as _security  # noqa: F401
    from registry.jobs import models as _jobs  # noqa: F401
    from registry.oia import models as _oia  # noqa: F401
    from registry.proposals import models as _proposals  # noqa: F401
    from registry.signoffs import models as _signoffs  # noqa: F401
    from registry.transparency import models as _transparency  # noqa: F401


def connect_receivers() -> None:
    """Every lifecycle signal's receivers, in one place (``registry/signals.py`` says what
    each signal means). Connecting again is harmless: blinker keeps one connection per
    receiver. Order matters only where noted."""
    from registry import signals
    from registry.api import receivers as api
    from registry.charters import receivers as charters
    from registry.checks import receivers as checks
    from registry.inventory import receivers as inventory
    from registry.oia import receivers as oia
    from registry.signoffs import receivers as signoffs
    from registry.transparency import receivers as transparency

    signals.person_deactivated.connect(inventory.flag_channels_of)
    signals.person_deactivated.connect(api.revoke_tokens_of)
    signals.office_ended.connect(inventory.recheck_after_office)
    signals.appointment_ending.connect(signoffs.refuse_ending_before_last_act)
    signals.revision_superseded.connect(signoffs.void_superseded)
    signals.proposal_submitting.connect(signoffs.refuse_unanswered_resubmission)
    signals.proposal_submitted.connect(signoffs.tell_signatories)
    signals.proposal_approved.connect(inventory.create_or_update_channel)
    signals.proposal_approved.connect(charters.schedule_charter)
    signals.proposal_page.connect(signoffs.proposal_page)
    signals.proposal_page.connect(charters.proposal_page)
    signals.proposal_editing.connect(signoffs.approvals_at_stake)
    signals.proposals_listed.connect(charters.proposals_listed)
    signals.channel_page.connect(oia.channel_page)
    signals.channel_page.connect(checks.channel_page)
    for signal in transparency.STATEMENT_CHANGES:
        signal.connect(transparency.record_new_version)


def _register_jobs(app: Flask) -> None:
    """Each kind of job and its handler, named here so the low jobs package never imports
    the packages whose work it runs."""
    from registry import notifications
    from registry.charters import jobs as charter_jobs
    from registry.checks import services as check_services
    from registry.federation import services as federation
    from registry.jobs import inline, register
    from registry.transparency import pdf as statement_pdf

    register(notifications.EMAIL_JOB, notifications.deliver, notifications.describe)
    register(charter_jobs.CHARTER_JOB, charter_jobs.issue, charter_jobs.describe)
    register(federation.FETCH_JOB, federation.fetch_job, federation.describe_fetch)
    register(check_services.CHECK_JOB, check_services.run_check, check_services.describe_job)
    register(statement_pdf.STATEMENT_PDF_JOB, statement_pdf.render, statement_pdf.describe)
    inline.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from registry.admin.views import blueprint as admin_bp
    from registry.api.public_views import open_data_page as open_data_bp
    from registry.api.public_views import public_api as public_api_bp
    from registry.api.views import account_blueprint as account_bp
    from registry.api.views import blueprint as api_bp
    from registry.auth.oidc_views import blueprint as oidc_bp
    from registry.auth.views import blueprint as auth_bp
    from registry.charters.views import blueprint as charters_bp
    from registry.checks.views import blueprint as checks_bp
    from registry.dashboard.views import blueprint as dashboard_bp
    from registry.elections.views import blueprint as elections_bp
    from registry.federation.views import blueprint as federation_bp
    from registry.inventory.register_views import register_blueprint as register_bp
    from registry.inventory.views import blueprint as inventory_bp
    from registry.oia.views import blueprint as oia_bp
    from registry.proposals.people_views import blueprint as people_bp
    from registry.proposals.views import blueprint as proposals_bp
    from registry.signoffs.views import blueprint as signoffs_bp
    from registry.transparency.views import blueprint as transparency_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(oidc_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(elections_bp)
    app.register_blueprint(federation_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(signoffs_bp)
    app.register_blueprint(charters_bp)
    app.register_blueprint(inventory_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(oia_bp)
    app.register_blueprint(checks_bp)
    app.register_blueprint(transparency_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(public_api_bp)
    app.register_blueprint(open_data_bp)
    app.register_blueprint(account_bp)


def _register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from registry.auth.models import Office
    from registry.auth.offices import offices_held
    from registry.forms import error_items, page_shows_errors
    from registry.policy.platforms import platform_name, shown_handle
    from registry.timeutil import format_date, format_local

    tz = app.config["AGENCY_TIMEZONE"]
    app.jinja_env.filters["local_time"] = lambda moment: format_local(moment, tz)
    app.jinja_env.filters["long_date"] = format_date
    app.jinja_env.filters["platform_name"] = platform_name
    app.jinja_env.globals["shown_handle"] = shown_handle
    app.jinja_env.globals["error_items"] = error_items
    app.jinja_env.globals["page_shows_errors"] = page_shows_errors

    @app.context_processor
    def inject_navigation() -> dict[str, Any]:
        offices: set[str] = set()
        if current_user.is_authenticated:
            offices = {a.office for a in offices_held(current_user)}
        inventory_offices = {
            Office.COMMUNICATIONS_TEAM.value,
            Office.MANAGER_COMMUNICATIONS.value,
            Office.CHIEF_EXECUTIVE.value,
            Office.DCE.value,
        }
        return {
            "agency_name": app.config["AGENCY_NAME"],
            "agency_te_reo_name": app.config["AGENCY_TE_REO_NAME"],
            "current_offices": offices,
            "can_see_inventory": bool(offices & inventory_offices),
            "public_register": app.config["PUBLIC_REGISTER_ENABLED"],
            "signing_offices": {
                Office.MANAGER_COMMUNICATIONS.value,
                Office.CHIEF_EXECUTIVE.value,
                Office.DCE.value,
            },
            "Office": Office,
        }


def _register_error_pages(app: Flask) -> None:
    messages = {
        400: (
            _l("The request could not be understood"),
            _l("Go back, reload the page and try again."),
        ),
        403: (
            _l("You do not have access to this page"),
            _l(
                "It belongs to another role or business unit. Ask a registry administrator if "
                "you think you should have access."
            ),
        ),
        404: (_l("Page not found"), _l("Check the address, or start again from the dashboard.")),
        405: (_l("That action is not available here"), _l("Use the buttons on the page.")),
        409: (
            _l("That cannot be done now"),
            _l("The record has changed. Reload it to see where it is."),
        ),
        413: (
            _l("The upload is too large"),
            _l("Send a smaller file, or split it into parts."),
        ),
        500: (
            _l("Something went wrong on our side"),
            _l(
                "Nothing you entered was saved by the failed request. Try again in a moment; if "
                "it keeps happening, tell the registry administrator."
            ),
        ),
    }

    def render_error(code: int, detail: str | None = None):  # noqa: ANN202
        title, advice = messages.get(code, (_l("Something went wrong"), _l("Try again.")))
        return (
            render_template(
                "errors/error.html", code=code, title=title, advice=advice, detail=detail
            ),
            code,
        )

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        return render_error(
            400,
            _("The form had expired or came from somewhere else. Reload the page and try again."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        # Our own aborts carry a sentence for the person; Werkzeug's stock text is not shown.
        custom = error.description != type(error).description
        detail = error.description if custom and error.code in (403, 409, 413) else None
        return render_error(error.code or 500, detail)

    @app.errorhandler(RegistryError)
    def domain_error(error: RegistryError):  # noqa: ANN202
        # A refusal no view rendered itself: the service changed nothing that may stay, so
        # roll back and say why with the status the error carries (never a 500).
        db.session.rollback()
        return render_error(error.status, error.message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # noqa: ANN202
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(500)


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response):  # noqa: ANN001, ANN202
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("ENV_NAME") == "production":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if _is_private(response):
            # A signed-in page may name people and requesters: no browser or proxy keeps a
            # copy for the next person at a shared computer or behind the same cache.
            response.headers["Cache-Control"] = "no-store"
        return response


def _is_private(response) -> bool:  # noqa: ANN001
    """Whether a response is for one person: they are signed in, or it sets or clears the
    session. Bundled static files are the same for everyone and keep their caching."""
    if request.endpoint == "static":
        return False
    # The cookie naming a person is enough (no database read here, even on an error page);
    # an ended session gets no-store too, which costs nothing.
    return session.modified or "_user_id" in session or "Set-Cookie" in response.headers
