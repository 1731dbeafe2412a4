"""Configuration refuses unsafe production settings; migrations go up, down and up again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from registry.charters.services import verify_url
from tests.conftest import build_app, make_config

ROOT = Path(__file__).resolve().parents[2]


def start_in_production(**settings: str) -> subprocess.CompletedProcess:
    """Load the app as the WSGI server would, in production, with these settings."""
    env = {**os.environ, "REGISTRY_ENV": "production"}
    env.pop("REGISTRY_BASE_URL", None)
    env.update(settings)
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = start_in_production(SECRET_KEY="changeme", REGISTRY_BASE_URL="https://r.example")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Refusing to start: set SECRET_KEY")


def test_production_refuses_to_start_without_its_public_address():
    result = start_in_production(SECRET_KEY="k" * 64)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Refusing to start: set REGISTRY_BASE_URL")


def test_in_development_links_follow_the_address_the_registry_is_served_on(
    database_url, db, monkeypatch
):
    from config import DevelopmentConfig

    monkeypatch.delenv("REGISTRY_BASE_URL", raising=False)
    config = DevelopmentConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = build_app(config)
    document = app.test_client().get("/api/v1/openapi.json", base_url="http://127.0.0.1:5001")
    assert document.json["servers"][0]["url"].startswith("http://127.0.0.1:5001/")
    # The worker renders charters outside any request: it takes the port `flask run` has.
    monkeypatch.setenv("FLASK_RUN_PORT", "5001")
    with app.app_context():
        assert verify_url("MEC-CH-2026-0001") == (
            "http://127.0.0.1:5001/charters/MEC-CH-2026-0001/verify"
        )
    # Set, it wins over both: behind a proxy the request's own host is an internal one.
    app.config["BASE_URL"] = "https://registry.example.govt.nz/"
    document = app.test_client().get("/api/v1/openapi.json", base_url="http://10.0.0.7:8000")
    assert document.json["servers"][0]["url"].startswith("https://registry.example.govt.nz/")


def test_production_sets_secure_cookies_and_hsts(database_url, db):
    from config import ProductionConfig

    config = ProductionConfig()
    config.SECRET_KEY = "x" * 48
    config.BASE_URL = "https://registry.example.govt.nz"
    config.SQLALCHEMY_DATABASE_URI = database_url
    app = build_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/sign-in")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_agency_defaults_are_mec():
    from config import DevelopmentConfig

    config = DevelopmentConfig()
    assert config.AGENCY_NAME == "Ministry for Ethnic Communities"
    assert config.AGENCY_TE_REO_NAME == "Te Tari Mātāwaka"
    assert config.AGENCY_DOMAIN == "ethniccommunities.govt.nz"
    assert config.AGENCY_TIMEZONE == "Pacific/Auckland"
    assert config.REVIEW_INTERVAL_MONTHS == 12


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"registry_mig_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(app) -> set[str]:  # noqa: ANN001
    from registry.extensions import db

    return set(sa.inspect(db.engine).get_table_names())


def test_migrations_upgrade_downgrade_upgrade(fresh_database_url):
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        upgrade()
        full = _tables(app)
        assert {"user_account", "appointment", "business_unit", "audit_entry"} <= full
        downgrade(revision="base")
        assert _tables(app) <= {"alembic_version"}
        upgrade()
        assert _tables(app) == full
        from registry.extensions import db

        db.engine.dispose()


def test_flask_db_upgrade_command_builds_the_schema(fresh_database_url):
    app = build_app(make_config(fresh_database_url))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "user_account" in _tables(app)
        from registry.extensions import db

        db.engine.dispose()


def test_0014_gives_the_channels_already_there_their_name_keys(fresh_database_url):
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db

        upgrade(revision="0013")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO business_unit (code, name, created_at)"
                    " VALUES ('POL', 'Policy', '2026-12-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO channel (name, platform, platform_other, handle, handle_key,"
                    " channel_url, business_unit_id, state, no_charter, decommission_reason,"
                    " people_ids, people_problem, security_complete, closure_reason, created_at,"
                    " updated_at) VALUES ('Te Tari Mātāwaka', 'facebook', '', 'MECNZ', 'mecnz',"
                    " '', 1, 'active', true, '', '', '', false, '', :now, :now)"
                ),
                {"now": "2026-12-01 00:00:00"},
            )
        upgrade()
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT name_key FROM channel")) == "te tari matawaka"
        downgrade(revision="0013")  # and back, keeping the channel and its search index
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT name FROM channel")) == "Te Tari Mātāwaka"
        upgrade()
        db.engine.dispose()


def _insert(conn, table: str, **values) -> int:  # noqa: ANN001, ANN003
    """A row with ``values``, every other required column filled plainly (this test is about
    one column, not the rest of the schema as it was then)."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in reflected.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        kind = column.type.python_type if hasattr(column.type, "python_type") else str
        row[column.name] = {
            bool: False,
            int: 1,
            str: "",
            datetime: datetime(2026, 12, 1, tzinfo=UTC),
        }.get(kind, "")
    return conn.execute(reflected.insert().values(**row)).inserted_primary_key[0]


def test_0016_gives_approved_channels_the_languages_of_their_proposal(fresh_database_url):
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db

        upgrade(revision="0015")
        with db.engine.begin() as conn:
            unit = _insert(conn, "business_unit", code="POL", name="Policy")
            person = _insert(conn, "user_account", email="a@example.govt.nz", display_name="A")
            proposal = _insert(
                conn, "proposal", business_unit_id=unit, proposer_id=person, state="approved"
            )
            for number, languages in ((1, ["English"]), (2, ["Samoan", "English"])):
                _insert(
                    conn,
                    "proposal_revision",
                    proposal_id=proposal,
                    number=number,
                    content_json=json.dumps({"languages": languages}),
                    created_by_id=person,
                )
            for handle, proposal_id in (("MECNZ", proposal), ("Imported", None)):
                _insert(
                    conn,
                    "channel",
                    name=handle,
                    platform="facebook",
                    handle=handle,
                    handle_key=handle.lower(),
                    business_unit_id=unit,
                    state="active",
                    proposal_id=proposal_id,
                )
        upgrade()
        with db.engine.connect() as conn:
            languages = dict(conn.execute(sa.text("SELECT handle, languages FROM channel")).all())
        # The latest revision's languages; an imported channel has none.
        assert languages == {"MECNZ": "Samoan\nEnglish", "Imported": ""}
        downgrade(revision="0015")
        upgrade()
        db.engine.dispose()


def test_0022_adds_other_agencies_tables_beside_the_data_already_there(fresh_database_url):
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db

        upgrade(revision="0016")
        with db.engine.begin() as conn:
            unit = _insert(conn, "business_unit", code="POL", name="Policy")
            _insert(
                conn,
                "channel",
                name="MEC New Zealand",
                platform="facebook",
                handle="MECNZ",
                handle_key="mecnz",
                business_unit_id=unit,
                state="active",
            )
        upgrade(revision="0022")
        assert {"agency_subscription", "agency_channel"} <= _tables(app)
        with db.engine.begin() as conn:
            subscription = _insert(
                conn,
                "agency_subscription",
                agency_name="Inland Revenue",
                register_url="https://www.ird.govt.nz/register/",
                feed_url="https://www.ird.govt.nz/api/public/v1/channels.json",
                public_key="11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
                key_id="0123456789abcdef",
                created_at=sa.func.now(),
                updated_at=sa.func.now(),
            )
            _insert(
                conn,
                "agency_channel",
                subscription_id=subscription,
                name="Inland Revenue",
                platform="facebook",
                platform_label="Facebook",
                handle="IRDNZ",
                handle_key="irdnz",
                name_key="inland revenue",
            )
            row = conn.execute(
                sa.text(
                    "SELECT paused, channel_count, official FROM agency_subscription "
                    "JOIN agency_channel ON agency_channel.subscription_id = agency_subscription.id"
                )
            ).one()
            assert (bool(row.paused), row.channel_count, bool(row.official)) == (False, 0, True)
            # A subscription's channels go with it.
            conn.execute(sa.text("DELETE FROM agency_subscription"))
            assert conn.execute(sa.text("SELECT count(*) FROM agency_channel")).scalar() == 0
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT handle FROM channel")).scalar() == "MECNZ"
        downgrade(revision="0016")
        assert not {"agency_subscription", "agency_channel"} & _tables(app)
        upgrade()
        db.engine.dispose()


def test_0018_leaves_every_channel_as_it_was(fresh_database_url):
    """Channels decommissioned before the closing checklist stay decommissioned, with no
    checklist; active ones (a closure scheduled or not) stay active; downgrading takes a
    closing channel to decommissioned."""
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db

        upgrade(revision="0016")
        with db.engine.begin() as conn:
            unit = _insert(conn, "business_unit", code="POL", name="Policy")
            for handle, state, closed_on, scheduled in (
                ("Old", "decommissioned", date(2025, 6, 30), None),
                ("Live", "active", None, None),
                ("Later", "active", None, date(2099, 1, 1)),
            ):
                _insert(
                    conn,
                    "channel",
                    name=handle,
                    platform="facebook",
                    handle=handle,
                    handle_key=handle.lower(),
                    business_unit_id=unit,
                    state=state,
                    decommissioned_on=closed_on,
                    closure_scheduled_on=scheduled,
                )
        upgrade()
        with db.engine.connect() as conn:
            states = dict(conn.execute(sa.text("SELECT handle, state FROM channel")).all())
            items = conn.scalar(sa.text("SELECT count(*) FROM closure_item"))
        assert states == {"Old": "decommissioned", "Live": "active", "Later": "active"}
        assert items == 0
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE channel SET state = 'closing' WHERE handle = 'Live'"))
        downgrade(revision="0016")
        with db.engine.connect() as conn:
            states = dict(conn.execute(sa.text("SELECT handle, state FROM channel")).all())
        assert states == {"Old": "decommissioned", "Live": "decommissioned", "Later": "active"}
        upgrade()
        db.engine.dispose()


def test_0019_keeps_channels_and_reviews_and_starts_every_channel_in_cycle_0(fresh_database_url):
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db

        upgrade(revision="0016")
        with db.engine.begin() as conn:
            unit = _insert(conn, "business_unit", code="POL", name="Policy")
            person = _insert(conn, "user_account", email="a@example.govt.nz", display_name="A")
            channel = _insert(
                conn,
                "channel",
                name="MEC NZ",
                platform="facebook",
                handle="MECNZ",
                handle_key="mecnz",
                business_unit_id=unit,
                state="active",
            )
            _insert(
                conn,
                "channel_review",
                channel_id=channel,
                reviewer_id=person,
                outcome="recertified",
                notes="Reviewed by one person, before attestations.",
            )
        upgrade()
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT review_cycle FROM channel")) == 0
            review = conn.execute(
                sa.text("SELECT notes, owner_attester_id, liaison_attester_id FROM channel_review")
            ).one()
            assert tuple(review) == ("Reviewed by one person, before attestations.", None, None)
            assert conn.scalar(sa.text("SELECT count(*) FROM review_attestation")) == 0
        downgrade(revision="0016")
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT name FROM channel")) == "MEC NZ"
            assert conn.scalar(sa.text("SELECT count(*) FROM channel_review")) == 1
        upgrade()
        db.engine.dispose()


def test_0021_from_0016_with_channels_the_first_statement_lists_them(fresh_database_url):
    """Upgrading a registry that has channels: the first read of the transparency statement
    records version 1 from them; the tables come and go with the migration, and on PostgreSQL
    a version can be neither changed nor deleted."""
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db
        from registry.transparency import services as statement

        upgrade(revision="0016")
        with db.engine.begin() as conn:
            unit = _insert(conn, "business_unit", code="POL", name="Policy")
            person = _insert(conn, "user_account", email="a@example.govt.nz", display_name="A")
            proposal = _insert(
                conn, "proposal", business_unit_id=unit, proposer_id=person, state="approved"
            )
            _insert(
                conn,
                "proposal_revision",
                proposal_id=proposal,
                number=1,
                content_json=json.dumps({"purpose": "News for communities.", "languages": []}),
                created_by_id=person,
            )
            for handle, proposal_id, state in (
                ("MECNZ", proposal, "active"),
                ("Imported", None, "active"),
                ("Closed", None, "decommissioned"),
            ):
                _insert(
                    conn,
                    "channel",
                    name=handle,
                    platform="facebook",
                    handle=handle,
                    handle_key=handle.lower(),
                    business_unit_id=unit,
                    state=state,
                    proposal_id=proposal_id,
                )
        upgrade()
        first = statement.current()
        assert first.number == 1
        listed = {c["handle"]: c["purpose"] for c in first.snapshot["channels"]}
        assert listed == {"MECNZ": "News for communities.", "Imported": ""}
        assert statement.current().number == 1  # nothing changed: no second version
        if db.engine.dialect.name == "postgresql":
            with (
                pytest.raises(sa.exc.DBAPIError, match="never changes"),
                db.engine.begin() as conn,
            ):
                conn.execute(sa.text("UPDATE statement_version SET snapshot_json = '{}'"))
        db.session.remove()
        downgrade(revision="0016")
        assert "statement_version" not in _tables(app)
        upgrade()
        db.engine.dispose()
