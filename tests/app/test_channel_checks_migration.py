"""Migration 0020 (the daily channel check) upgrading from 0016 with channels already there,
and back down, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.app.test_config_and_migrations import _insert, fresh_database_url  # noqa: F401
from tests.conftest import build_app, make_config


def test_0020_keeps_the_channels_there_and_adds_checks_and_flags(fresh_database_url):  # noqa: F811
    app = build_app(make_config(fresh_database_url))
    with app.app_context():
        from registry.extensions import db

        upgrade(revision="0016")
        with db.engine.begin() as conn:
            unit = _insert(conn, "business_unit", code="POL", name="Policy")
            channel = _insert(
                conn,
                "channel",
                name="MEC Pasifika",
                platform="facebook",
                handle="MECPasifika",
                handle_key="mecpasifika",
                channel_url="https://www.facebook.com/MECPasifika",
                business_unit_id=unit,
                state="active",
            )
        upgrade()
        with db.engine.begin() as conn:
            row = conn.execute(
                sa.text("SELECT name, platform_account_id, platform_page_name FROM channel")
            ).one()
            assert tuple(row) == ("MEC Pasifika", "", "")
            check = _insert(
                conn,
                "channel_check",
                channel_id=channel,
                outcome="gone",
                http_status=404,
                read={"seen": {"status": 404}},
            )
            _insert(
                conn,
                "channel_flag",
                channel_id=channel,
                kind="gone",
                seen={"status": 404},
                opened_by_check_id=check,
            )
            # One open flag of a kind per channel.
            try:
                with conn.begin_nested():
                    _insert(conn, "channel_flag", channel_id=channel, kind="gone", seen={})
                raise AssertionError("a second open flag of the same kind was accepted")
            except sa.exc.IntegrityError:
                pass
        downgrade(revision="0016")
        with db.engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT name FROM channel")) == "MEC Pasifika"
            assert "channel_flag" not in sa.inspect(conn).get_table_names()
        upgrade()
        db.engine.dispose()
