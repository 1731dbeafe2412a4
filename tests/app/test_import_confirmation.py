"""A spreadsheet import on the web needs a second person: the Communications team submits it,
the Manager Communications (not the submitter) confirms or refuses it. Until then none of its
channels is in the inventory, on the public register or in the lookup."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from registry.audit.log import verify_chain
from registry.audit.models import AuditEntry
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.inventory.csv_import import recheck_rows
from registry.inventory.models import ImportBatch
from tests.conftest import run_isolated
from tests.workflow import approved_proposal, confirm_import, import_batch_sha256, submit_import

HEADER = "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
LIAISON = "mere.comms@example.govt.nz"


def sheet(*handles: str) -> str:
    return HEADER + "".join(
        f"MEC {handle},Facebook,{handle},https://www.facebook.com/{handle},POL,{LIAISON},"
        "2019-07-01\r\n"
        for handle in handles
    )


def channel_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Channel.id)))


def batch(batch_id: int) -> ImportBatch:
    db.session.expire_all()
    return db.session.get(ImportBatch, batch_id)


@pytest.fixture
def public(app):  # noqa: ANN001, ANN201
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    yield
    app.config["PUBLIC_REGISTER_ENABLED"] = False


def lookup(client, account: str) -> str:  # noqa: ANN001
    return client.get("/register/", query_string={"account": account}).get_data(as_text=True)


def audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_a_submitted_import_is_nowhere_until_the_manager_communications_confirms_it(
    client, client_as, people, public
):
    comms = client_as("comms")
    batch_id = submit_import(comms, sheet("MECPending"), file_name="existing.csv")

    assert channel_count() == 0
    assert "MECPending" not in comms.get("/inventory/").get_data(as_text=True)
    assert "MECPending" not in client.get("/register/").get_data(as_text=True)
    answer = lookup(client, "https://www.facebook.com/MECPending")
    assert "Yes — this is an official" not in answer
    assert "MECPending" not in comms.get("/api/v1/channels").get_data(as_text=True)

    manager = client_as("manager")
    home = manager.get("/").get_data(as_text=True)
    assert "Imports awaiting my confirmation (1)" in home
    assert "existing.csv" in home and "Mere Tane" in home
    assert "Imports awaiting my confirmation" not in comms.get("/").get_data(as_text=True)
    review = manager.get(f"/inventory/imports/{batch_id}").get_data(as_text=True)
    assert "MEC MECPending" in review and "Confirm the import" in review

    assert confirm_import(manager, batch_id).status_code == 302
    channel = db.session.scalar(select(Channel).where(Channel.handle == "MECPending"))
    assert channel.state == ChannelState.ACTIVE.value and channel.no_charter
    page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "No charter on record" in page
    assert "Yes — this is an official" in lookup(client, "https://www.facebook.com/MECPending")
    assert "Imports awaiting my confirmation" not in manager.get("/").get_data(as_text=True)
    assert batch(batch_id).status == "confirmed"
    assert batch(batch_id).decided_by_id == people.manager.id


def test_the_manager_communications_cannot_confirm_an_import_they_submitted(client_as, people):
    """Hemi is the Manager Communications and in the Communications team: he may submit, but
    then someone else must confirm."""
    manager = client_as("manager")
    batch_id = submit_import(manager, sheet("MECOwnImport"))
    page = manager.get(f"/inventory/imports/{batch_id}").get_data(as_text=True)
    assert "Confirm the import" not in page
    assert "You submitted this import" in page
    assert "Imports awaiting my confirmation" not in manager.get("/").get_data(as_text=True)

    response = confirm_import(manager, batch_id)
    assert response.status_code == 403
    assert "no one person brings official channels into being" in response.get_data(as_text=True)
    assert channel_count() == 0 and batch(batch_id).status == "pending"


def test_nobody_but_the_manager_communications_confirms(client_as, people):
    batch_id = submit_import(client_as("comms"), sheet("MECOnlyManager"))
    for role in ("comms", "ce", "dce_policy", "admin", "staff_policy"):
        assert confirm_import(client_as(role), batch_id).status_code == 403, role
    assert channel_count() == 0


def test_refusing_needs_a_reason_and_imports_nothing(client_as, people):
    batch_id = submit_import(client_as("comms"), sheet("MECRefused"))
    manager = client_as("manager")
    sha256 = import_batch_sha256(manager, batch_id)

    blank = manager.post(f"/inventory/imports/{batch_id}/refuse", data={"sha256": sha256})
    assert blank.status_code == 200
    assert "Say why you are refusing this import" in blank.get_data(as_text=True)
    assert batch(batch_id).status == "pending"

    refused = manager.post(
        f"/inventory/imports/{batch_id}/refuse",
        data={"sha256": sha256, "reason": "These are not ours: check with the Policy team."},
    )
    assert refused.status_code == 302
    assert batch(batch_id).status == "refused"
    page = client_as("comms").get(f"/inventory/imports/{batch_id}").get_data(as_text=True)
    assert "These are not ours" in page and "Hemi Walker" in page
    assert confirm_import(manager, batch_id).status_code == 409
    assert channel_count() == 0
    entry = audit("import-refused")[-1]
    assert entry.actor_id == people.manager.id
    assert json.loads(entry.summary)["reason"].startswith("These are not ours")


def test_the_submitter_cancels_a_pending_import(client_as, people):
    comms = client_as("comms")
    batch_id = submit_import(comms, sheet("MECCancelled"))
    sha256 = import_batch_sha256(comms, batch_id)
    assert (
        client_as("staff_policy")
        .post(f"/inventory/imports/{batch_id}/cancel", data={"sha256": sha256})
        .status_code
        == 403
    )
    response = comms.post(f"/inventory/imports/{batch_id}/cancel", data={"sha256": sha256})
    assert response.status_code == 302
    assert batch(batch_id).status == "cancelled"
    assert confirm_import(client_as("manager"), batch_id).status_code == 409
    assert channel_count() == 0
    assert audit("import-cancelled")[-1].actor_id == people.comms.id


def test_a_stale_page_cannot_confirm_another_import(client_as, people):
    batch_id = submit_import(client_as("comms"), sheet("MECStale"))
    response = confirm_import(client_as("manager"), batch_id, sha256="0" * 64)
    assert response.status_code == 409
    assert channel_count() == 0 and batch(batch_id).status == "pending"


def test_confirming_checks_every_row_again_and_imports_none_if_one_fails(client_as, people):
    """Submitted, then a proposal for one of its handles approved meanwhile: confirming
    refuses the whole batch with the row error, and nothing is half-imported."""
    batch_id = submit_import(client_as("comms"), sheet("MECFirstRow", "MECTakenMeanwhile"))
    approved_proposal(client_as, people, handle="MECTakenMeanwhile")
    before = channel_count()

    response = confirm_import(client_as("manager"), batch_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nothing was imported" in page.lower()
    assert "MECTakenMeanwhile" in page and "already" in page
    assert channel_count() == before
    assert not db.session.scalar(select(Channel).where(Channel.handle == "MECFirstRow"))
    refused = batch(batch_id)
    assert refused.status == "refused" and "line 3, column handle" in refused.reason
    assert verify_chain()[1] is None


def test_a_second_import_of_the_same_handle_is_refused_at_confirmation(client_as, people):
    comms = client_as("comms")
    first = submit_import(comms, sheet("MECTwice"))
    second = submit_import(comms, sheet("MECTwice", "MECOther"))
    manager = client_as("manager")
    assert confirm_import(manager, first).status_code == 302
    assert confirm_import(manager, second).status_code == 200
    assert batch(second).status == "refused"
    assert channel_count() == 1


def test_a_liaison_deactivated_meanwhile_refuses_the_batch(client_as, people):
    batch_id = submit_import(client_as("comms"), sheet("MECLiaisonLeft"))
    people.comms.is_active_account = False
    db.session.commit()
    assert confirm_import(client_as("manager"), batch_id).status_code == 200
    assert "deactivated" in batch(batch_id).reason
    assert channel_count() == 0


def test_two_confirmations_racing_import_once(client_as, people):
    batch_id = submit_import(client_as("comms"), sheet(*(f"MECRace{n}" for n in range(30))))
    sha256 = import_batch_sha256(client_as("manager"), batch_id)
    clients = [client_as("manager") for _ in range(6)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def attempt(client) -> None:  # noqa: ANN001
        barrier.wait()
        response = client.post(f"/inventory/imports/{batch_id}/confirm", data={"sha256": sha256})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.rollback()
    assert Counter(statuses) == Counter({302: 1, 409: len(clients) - 1})
    assert channel_count() == 30
    assert len(audit("channels-imported")) == 1


def test_the_audit_log_names_both_people_and_the_files_sha256(client_as, people):
    comms = client_as("comms")
    content = sheet("MECAudited")
    batch_id = submit_import(comms, content, file_name="audited.csv")
    expected = hashlib.sha256(content.encode()).hexdigest()
    assert batch(batch_id).sha256 == expected

    submitted = audit("import-submitted")[-1]
    assert submitted.actor_id == people.comms.id
    assert json.loads(submitted.summary)["sha256"] == expected

    assert confirm_import(client_as("manager"), batch_id).status_code == 302
    imported = json.loads(audit("channels-imported")[-1].summary)
    assert audit("channels-imported")[-1].actor_id == people.manager.id
    assert imported["submitted_by"] == people.comms.email
    assert imported["confirmed_by"] == people.manager.email
    assert imported["sha256"] == expected and imported["count"] == 1
    assert verify_chain()[1] is None


def test_the_operators_command_line_imports_in_one_step(app, db, people, tmp_path):
    path = tmp_path / "channels.csv"
    path.write_text(sheet("MECOperator"), encoding="utf-8")
    result = run_isolated(
        app.test_cli_runner().invoke, args=["registry", "import-channels", str(path)]
    )
    assert result.exit_code == 0, result.output
    channel = db.session.scalar(select(Channel).where(Channel.handle == "MECOperator"))
    assert channel.state == ChannelState.ACTIVE.value and channel.no_charter
    entry = audit("channels-imported")[-1]
    assert entry.actor_label == "operator (command line)"
    assert json.loads(entry.summary)["via"] == "command line"
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0


def test_a_recheck_keeps_the_row_cap(app, db, people):
    row = {"name": "X", "platform": "facebook", "handle": "X", "url": "", "business unit": "POL"}
    cap = app.config["IMPORT_MAX_ROWS"]
    preview = recheck_rows([(n + 2, row) for n in range(cap + 1)])
    assert preview.file_error and f"{cap:,}" in preview.file_error


def test_a_file_full_of_control_characters_can_still_be_submitted(client_as, people, db):  # noqa: ANN001
    # Each control character is one byte in the file but six in the kept JSON ("\u0001").
    noisy = sheet("MECNoisy").replace("MEC MECNoisy", "MEC Noisy" + "\x01" * 4000)
    batch_id = submit_import(client_as("comms"), noisy)
    assert batch(batch_id).status == "pending"
    assert "\x01" not in batch(batch_id).rows_json
