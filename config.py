"""Settings for the registry. Every value can be set from an environment variable.

Values are read when a config object is created (not at import), so a `.env` file
loaded by the development app factory is seen. The agency-specific values default
to the Ministry for Ethnic Communities so the registry runs out of the box, and
another agency changes them without code.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

# Anything shorter is a placeholder, not a secret.
MIN_SECRET_KEY_LENGTH = 32


def env_list(name: str) -> tuple[str, ...]:
    """A comma-separated setting, each item lower-cased: "a.govt.nz, b.govt.nz"."""
    items = os.environ.get(name, "").split(",")
    return tuple(item.strip().lower() for item in items if item.strip())


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def instance_dir() -> Path:
    return Path(os.environ.get("REGISTRY_INSTANCE_PATH") or BASE_DIR / "instance")


def sqlite_url(filename: str) -> str:
    return f"sqlite:///{instance_dir() / filename}"


class Config:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    DEMO_ALLOWED = True

    def __init__(self) -> None:
        env = os.environ.get
        self.SECRET_KEY = env("SECRET_KEY", "")
        self.SQLALCHEMY_DATABASE_URI = env("DATABASE_URL") or sqlite_url("registry.sqlite3")
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

        # Agency: MEC's values by default.
        self.AGENCY_NAME = env("AGENCY_NAME", "Ministry for Ethnic Communities")
        self.AGENCY_TE_REO_NAME = env("AGENCY_TE_REO_NAME", "Te Tari Mātāwaka")
        self.AGENCY_SHORT_NAME = env("AGENCY_SHORT_NAME", "MEC")
        self.AGENCY_DOMAIN = env("AGENCY_DOMAIN", "ethniccommunities.govt.nz")
        self.AGENCY_TIMEZONE = env("AGENCY_TIMEZONE", "Pacific/Auckland")
        self.REVIEW_INTERVAL_MONTHS = env_int("REVIEW_INTERVAL_MONTHS", 12)
        # The public address, printed on charters and in emails. Production refuses to start
        # without it; in development, unset, links follow the address a page was asked on
        # (registry/addresses.py).
        self.BASE_URL = env("REGISTRY_BASE_URL", "")

        self.SESSION_COOKIE_NAME = "registry_session"
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
        self.WTF_CSRF_ENABLED = True
        # The session lifetime bounds the token; a form left open over lunch still saves.
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
        # Channels one import may add (the command line reads any size of file; the web
        # upload is also bounded by MAX_CONTENT_LENGTH). A larger file is refused whole.
        self.IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)

        # Sign-in throttling (Flask-Limiter): failed attempts per account and per address.
        self.RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
        # Per account from one address: low. Per account from anywhere: higher, and it
        # lifts when its window ends, so a distributed guesser cannot lock someone out for good.
        self.SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS = env(
            "SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "5 per minute;20 per hour"
        )
        self.SIGN_IN_LIMIT_PER_ACCOUNT = env("SIGN_IN_LIMIT_PER_ACCOUNT", "50 per 15 minutes")
        self.SIGN_IN_LIMIT_PER_ADDRESS = env(
            "SIGN_IN_LIMIT_PER_ADDRESS", "20 per minute;200 per hour"
        )
        # Signing in with the agency's identity provider (OpenID Connect), off until
        # OIDC_ISSUER is set (README "Signing in with the agency's identity provider").
        self.OIDC_ISSUER = env("OIDC_ISSUER", "")
        self.OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
        self.OIDC_ALLOWED_DOMAINS = env_list("OIDC_ALLOWED_DOMAINS")
        # A verified person the registry does not know: "refuse", or "staff" (an account in
        # no business unit and no office, until an administrator places them).
        self.OIDC_NEW_PEOPLE = env("OIDC_NEW_PEOPLE", "refuse")
        # Signing off needs a sign-in the provider says used a second factor.
        self.SIGNOFF_REQUIRES_MFA = env_bool("SIGNOFF_REQUIRES_MFA", False)
        # "on", or "break-glass": registry passwords work only for the emails listed in
        # BREAK_GLASS_EMAILS (an administrator's, for when the provider is down).
        self.PASSWORD_SIGN_IN = env("PASSWORD_SIGN_IN", "on")
        self.BREAK_GLASS_EMAILS = env_list("BREAK_GLASS_EMAILS")
        # One-time links emailed to set a password: failed uses count per address.
        self.PASSWORD_INVITATION_HOURS = env_int("PASSWORD_INVITATION_HOURS", 72)
        self.PASSWORD_RESET_HOURS = env_int("PASSWORD_RESET_HOURS", 2)
        self.PASSWORD_LINK_LIMIT_PER_ADDRESS = env(
            "PASSWORD_LINK_LIMIT_PER_ADDRESS", "20 per minute;200 per hour"
        )
        # What someone typed when their session expired, kept for them until they sign in.
        self.FORM_STASH_MAX_BYTES = env_int("FORM_STASH_MAX_BYTES", 256 * 1024)
        self.FORM_STASH_PER_PERSON = env_int("FORM_STASH_PER_PERSON", 5)
        self.FORM_STASH_LIFETIME_HOURS = env_int("FORM_STASH_LIFETIME_HOURS", 24)
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        self.TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

        # argon2id cost; argon2-cffi's RFC 9106 low-memory profile by default.
        self.ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 65536)

        self.MAIL_SERVER = env("MAIL_SERVER", "")
        self.MAIL_PORT = env_int("MAIL_PORT", 25)
        self.MAIL_SENDER = env("MAIL_SENDER", f"registry@{self.AGENCY_DOMAIN}")
        self.SIGNOFF_REMINDER_WORKING_DAYS = env_int("SIGNOFF_REMINDER_WORKING_DAYS", 3)
        # The public register of official channels is off until the agency decides to publish.
        self.PUBLIC_REGISTER_ENABLED = env_bool("PUBLIC_REGISTER_ENABLED", False)
        # The open data (README "Open data"), published with the register: its Ed25519 signing
        # key (a PEM file made by `flask registry keys create`; unset, the data is served
        # unsigned and says so), the previous key's public half while it is being replaced,
        # requests allowed per address, and how long caches may keep an answer.
        self.OPEN_DATA_SIGNING_KEY_FILE = env("OPEN_DATA_SIGNING_KEY_FILE", "")
        self.OPEN_DATA_PREVIOUS_KEY_FILE = env("OPEN_DATA_PREVIOUS_KEY_FILE", "")
        self.OPEN_DATA_RATE_LIMIT = env("OPEN_DATA_RATE_LIMIT", "60 per minute;1000 per hour")
        self.OPEN_DATA_MAX_AGE_SECONDS = env_int("OPEN_DATA_MAX_AGE_SECONDS", 300)
        # The agency's privacy statement, linked from the social media transparency statement.
        self.PRIVACY_STATEMENT_URL = env(
            "PRIVACY_STATEMENT_URL", f"https://www.{self.AGENCY_DOMAIN}/privacy"
        )
        # A charter render running longer than this is killed; its job tries again later.
        self.CHARTER_RENDER_TIMEOUT_SECONDS = float(env("CHARTER_RENDER_TIMEOUT_SECONDS", "30"))
        # A render that fails this often is left "failed" for the Communications team.
        self.CHARTER_MAX_ATTEMPTS = env_int("CHARTER_MAX_ATTEMPTS", 3)

        # Jobs (emails, charters) run by `flask registry worker`. A failed attempt waits
        # BACKOFF * 2^(attempt-1) seconds, at most BACKOFF_MAX, before the next: ten attempts
        # cover about three hours of a mail server being down.
        self.JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 10)
        self.JOBS_BACKOFF_SECONDS = env_int("JOBS_BACKOFF_SECONDS", 30)
        self.JOBS_BACKOFF_MAX_SECONDS = env_int("JOBS_BACKOFF_MAX_SECONDS", 3600)
        # How long a worker holds a job before another may take it over (it must outlast a
        # charter render and an SMTP delivery, or the job may run twice).
        self.JOBS_LEASE_SECONDS = env_int("JOBS_LEASE_SECONDS", 300)
        self.JOBS_POLL_SECONDS = float(env("JOBS_POLL_SECONDS", "2"))
        # Run the jobs a request or command enqueued when it ends, through the worker's code
        # (the tests' setting; see registry/jobs/inline.py).
        self.JOBS_RUN_INLINE = False

        # Other agencies' registers (README "An all-of-government lookup"): a feed bigger than
        # this is refused unread; a feed's server gets this long to connect and to answer.
        self.FEEDS_MAX_BYTES = env_int("FEEDS_MAX_BYTES", 5 * 1024 * 1024)
        self.FEEDS_TIMEOUT_SECONDS = float(env("FEEDS_TIMEOUT_SECONDS", "10"))
        # Feeds are fetched over https only; plain http is for a test on one machine.
        self.FEEDS_ALLOW_HTTP = env_bool("FEEDS_ALLOW_HTTP", False)
        # The daily channel check (README "Channels that stay ours"): off until configured.
        self.CHANNEL_CHECKS_ENABLED = env_bool("CHANNEL_CHECKS_ENABLED", False)
        # The page the checker's user agent points to, saying what it is and who runs it.
        self.CHANNEL_CHECK_INFO_URL = env(
            "CHANNEL_CHECK_INFO_URL", f"https://{self.AGENCY_DOMAIN}/channel-checker"
        )
        # Connecting, and each read, may take this long; the whole fetch at most DEADLINE.
        self.CHANNEL_CHECK_TIMEOUT_SECONDS = float(env("CHANNEL_CHECK_TIMEOUT_SECONDS", "5"))
        self.CHANNEL_CHECK_DEADLINE_SECONDS = float(env("CHANNEL_CHECK_DEADLINE_SECONDS", "20"))
        self.CHANNEL_CHECK_MAX_BYTES = env_int("CHANNEL_CHECK_MAX_BYTES", 1024 * 1024)
        self.CHANNEL_CHECK_MAX_REDIRECTS = env_int("CHANNEL_CHECK_MAX_REDIRECTS", 3)
        # A check the platform does not answer (timeouts, 5xx, 429) is tried this often, a
        # few minutes apart; a flag is raised only after this many days of them in a row.
        self.CHANNEL_CHECK_ATTEMPTS = env_int("CHANNEL_CHECK_ATTEMPTS", 4)
        self.CHANNEL_CHECK_UNREACHABLE_DAYS = env_int("CHANNEL_CHECK_UNREACHABLE_DAYS", 3)
        # Testing and development only: "www.facebook.com=http://127.0.0.1:8765, ...", the
        # loopback server that plays that platform host. Production refuses to start with it.
        self.CHANNEL_CHECK_TEST_ORIGINS = env("CHANNEL_CHECK_TEST_ORIGINS", "")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or "development-only-key-never-use-in-production"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "testing-only-key-never-use-in-production-xx"  # noqa: S105
        self.BASE_URL = self.BASE_URL or "http://127.0.0.1:5000"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or sqlite_url(
            "test.sqlite3"
        )
        # Tests sign in hundreds of times; cheap hashes keep them fast on the same code path.
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 1024
        self.WTF_CSRF_ENABLED = False
        # Tests sign in far more often than a person; the throttling tests turn it on.
        self.RATELIMIT_ENABLED = False
        # Emails and charters are there when the request that caused them returns, made by
        # the worker's own code; a test that runs real workers turns this off.
        self.JOBS_RUN_INLINE = env_bool("JOBS_RUN_INLINE", True)
        # Registries on loopback publish to each other over plain http.
        self.FEEDS_ALLOW_HTTP = True
        # Tests only: the charter render process waits this long before it renders, so a test
        # can kill a worker mid-render without racing it.
        self.CHARTER_RENDER_TEST_DELAY_SECONDS = float(
            os.environ.get("CHARTER_RENDER_TEST_DELAY_SECONDS") or "0"
        )


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEMO_ALLOWED = False

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
