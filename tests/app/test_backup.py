"""``flask registry backup`` writes a usable copy of the database."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess

import pytest

from tests.conftest import run_isolated


def test_backup_writes_a_copy_that_holds_the_data(app, people, db, tmp_path):
    out = tmp_path / "registry.backup"
    result = run_isolated(
        app.test_cli_runner().invoke, args=["registry", "backup", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if db.engine.dialect.name == "sqlite":
        copy = sqlite3.connect(out)
        emails = {row[0] for row in copy.execute("SELECT email FROM user_account")}
        copy.close()
        assert people.ce.email in emails
    else:
        if shutil.which("pg_restore") is None:
            pytest.skip("pg_restore is not installed")
        listing = subprocess.run(
            ["pg_restore", "--list", str(out)], capture_output=True, text=True, check=True
        )
        assert "TABLE DATA public user_account" in listing.stdout
