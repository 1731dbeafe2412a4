"""Text is cleaned the same way at every door: the proposal form, CSV import (command line
and upload), the API's search and command-line options. An override or terminal escape typed
anywhere never reaches the register, the inventory or a terminal."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.models import BusinessUnit
from registry.channels.models import Channel
from registry.proposals.models import Proposal
from tests.app.test_api import create_token
from tests.app.test_import_export import LIAISON, csv_text
from tests.conftest import run_isolated
from tests.proposal_data import good_form

RLO, PDF, ZWSP = "\u202e", "\u202c", "\u200b"
ESCAPE = "\x1b[2J\x1b[31m"
DIRTY_NAME = f"MEC {RLO}akifisaP{PDF} News{ESCAPE}"
CLEAN_NAME = "MEC akifisaP News[2J[31m"
HIDDEN = (RLO, PDF, ZWSP, "\x1b", "\x00")


def assert_clean(text: str) -> None:
    assert not [ch for ch in HIDDEN if ch in text], repr(text)


@pytest.fixture
def cli(app, db):  # noqa: ANN001
    runner = app.test_cli_runner()
    return lambda *args: run_isolated(runner.invoke, args=list(args))


@pytest.fixture
def imported(cli, db, people, tmp_path) -> Channel:  # noqa: ANN001
    row = (
        f'"{DIRTY_NAME}",Facebook,MEC{ZWSP}PasifikaNews,'
        f"https://www.facebook.com/MECPasifikaNews,POL,{LIAISON},2019-07-01"
    )
    path = tmp_path / "channels.csv"
    path.write_text(csv_text(row), encoding="utf-8", newline="")
    result = cli("registry", "import-channels", str(path))
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return db.session.scalar(select(Channel))


def test_an_imported_row_is_stored_clean(imported):
    assert imported.name == CLEAN_NAME
    assert imported.handle == "MECPasifikaNews"  # a zero-width space has no place in a handle


def test_an_imported_name_is_clean_on_the_register_and_inventory(app, client, client_as, imported):
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        register = client.get("/register/").get_data(as_text=True)
    finally:
        app.config["PUBLIC_REGISTER_ENABLED"] = False
    assert CLEAN_NAME in register
    assert_clean(register)
    inventory = client_as("comms").get("/inventory/").get_data(as_text=True)
    assert CLEAN_NAME in inventory
    assert_clean(inventory)


def test_an_imported_name_is_clean_in_command_output(cli, imported, mailbox):
    result = cli("registry", "remind")
    assert result.exit_code == 0, result.output
    assert CLEAN_NAME in result.output  # the review is overdue: the liaison is reminded
    assert_clean(result.output)


def test_import_errors_do_not_echo_escapes_to_the_terminal(cli, db, tmp_path):
    path = tmp_path / "channels.csv"
    row = f"Name,Face{ESCAPE}book{RLO},handle,,POL,{LIAISON},2019-07-01"
    header = f"Name,Platform,Handle,URL,Business unit,Liaison email,Date started,Extra{ESCAPE}"
    path.write_text(csv_text(row), encoding="utf-8", newline="")
    result = cli("registry", "import-channels", str(path))
    assert result.exit_code != 0
    assert "is not a platform the registry knows" in result.output
    assert_clean(result.output)
    path.write_text(csv_text(row, header=header), encoding="utf-8", newline="")
    result = cli("registry", "import-channels", str(path))
    assert "not recognised" in result.output
    assert_clean(result.output)


def test_the_upload_preview_is_clean(client_as, db):
    row = (
        f'"{DIRTY_NAME}",Facebook,MECPasifikaNews,'
        f"https://www.facebook.com/MECPasifikaNews,POL,{LIAISON},2019-07-01"
    )
    page = (
        client_as("comms")
        .post(
            "/inventory/import",
            data={"channels_csv": (io.BytesIO(csv_text(row).encode()), "channels.csv")},
            content_type="multipart/form-data",
        )
        .get_data(as_text=True)
    )
    assert CLEAN_NAME in page
    assert_clean(page)


def test_the_proposal_form_cleans_as_import_does(client_as, people, db):
    client = client_as("staff_policy")
    response = client.post(
        "/proposals/new",
        data=good_form(people, channel_name=DIRTY_NAME, handle=f"MEC{ZWSP}Pasifika"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    proposal = db.session.scalar(select(Proposal))
    assert proposal.channel_name == CLEAN_NAME
    assert proposal.handle == "MECPasifika"


def test_the_api_search_is_cleaned_as_typed_text_is(client_as, imported):
    client = client_as("comms")
    headers = {"Authorization": f"Bearer {create_token(client)}"}
    response = client.get(
        "/api/v1/channels", query_string={"q": f"akifi{RLO}saP\x00"}, headers=headers
    )
    assert response.status_code == 200
    assert [c["name"] for c in response.json["data"]] == [CLEAN_NAME]


def test_command_line_options_are_cleaned(cli, db):
    result = cli("registry", "create-unit", "--code", "PAC\x1b", "--name", DIRTY_NAME)
    assert result.exit_code == 0, result.output
    assert_clean(result.output)
    db.session.rollback()
    unit = db.session.scalar(select(BusinessUnit).where(BusinessUnit.name == CLEAN_NAME))
    assert unit is not None


def test_a_withdrawal_reason_is_cleaned_before_the_audit_log(client_as, people, db):
    client = client_as("staff_policy")
    assert client.post("/proposals/new", data=good_form(people)).status_code == 302
    proposal = db.session.scalar(select(Proposal))
    response = client.post(
        f"/proposals/{proposal.id}/withdraw",
        data={"version": proposal.version, "reason": f"No longer{RLO} needed\x00{ESCAPE}"},
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal-withdrawn"))
    assert "No longer needed[2J[31m" in entry.summary
    assert "\\u202e" not in entry.summary.lower() and "\\u001b" not in entry.summary.lower()
    assert_clean(entry.summary)
