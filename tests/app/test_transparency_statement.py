"""The social media transparency statement, as a citizen reads it: generated from the register,
a new dated version whenever a channel goes live, changes or closes (and only then), every
earlier version still readable exactly as it was, in English and te reo Māori, and as PDF."""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from registry.auth.offices import agency_today
from registry.transparency.models import StatementPdf, StatementVersion
from tests.proposal_data import good_form
from tests.public_channels import SIGNERS, channel_of, close, go_live, live_channel
from tests.workflow import approved_proposal, change_and_submit, decide

pytestmark = pytest.mark.usefixtures("register_on")


def versions(db) -> int:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(select(func.count(StatementVersion.id)))


def page(client, url: str = "/transparency") -> str:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def last_updated(text: str) -> str:
    match = re.search(
        r"(?:Last updated|I whakahōuhia whakamutunga): ([^<]+)</strong> \(([^)]+)\)", text
    )
    assert match, text[:3000]
    return f"{match.group(1)} {match.group(2)}"


def statement_part(text: str) -> str:
    """What the statement says, without the page around it (the notice, the version list)."""
    start = text.index('<p class="statement-updated">')
    return text[start : text.index('<section aria-labelledby="download-heading">')]


def change_channel(client_as, people, db, channel, **form):  # noqa: ANN001, ANN003, ANN201
    """The Communications team starts a change, saves ``form``'s answers, the three sign it off."""
    from registry.proposals.models import Proposal

    comms = client_as("comms")
    assert comms.post(f"/channels/{channel.id}/change").status_code == 302
    db.session.expire_all()
    change = db.session.scalar(
        select(Proposal).where(Proposal.channel_id == channel.id).order_by(Proposal.id.desc())
    )
    change_and_submit(comms, change.id, good_form(people, **form))
    for role, office in SIGNERS:
        assert decide(client_as(role), change, capacity=office).status_code == 302


def test_a_channel_going_live_appears_with_its_details_and_a_new_date(
    client, client_as, people, db
):
    before = page(client)
    assert "We have no official social media channels at present" in before
    assert "version 1" in before
    proposal = approved_proposal(client_as, people)
    # Approved is not official: nothing on the statement changes, and no version is made.
    assert "MEC Pasifika Communities" not in page(client)
    assert versions(db) == 1
    go_live(client_as, people, channel_of(db, proposal))
    after = page(client)
    assert versions(db) == 2
    assert "version 2" in after
    assert '<h3 id="channel-1" dir="auto">MEC Pasifika Communities</h3>' in after
    assert "Share news and events with Pasifika communities." in after
    assert "English, Samoan and Tongan" in after
    assert "Monday, 8:30am to 5:00pm" in after
    assert "https://www.facebook.com/MECPasifika" in after
    # How comments are moderated: the channel's terms of use.
    assert "Terms of use: <bdi>MEC Pasifika Communities</bdi>" in after
    # Information requests: the Official Information Act's 20 working days.
    assert "no later than 20 working days after the day we receive your request" in after
    # The privacy statement setting.
    assert "https://www.ethniccommunities.govt.nz/privacy" in after
    # Version 1 is still there, exactly as it was.
    assert page(client, "/transparency/versions/1").count("MEC Pasifika Communities") == 0


def test_closing_a_channel_takes_it_off_in_a_new_version_and_the_old_one_still_lists_it(
    client, client_as, people, db
):
    channel = live_channel(client_as, people, db)
    with_it = page(client)
    number = versions(db)
    old = page(client, f"/transparency/versions/{number}")
    close(client_as, channel, agency_today() - timedelta(days=1))
    assert versions(db) == number + 1
    now = page(client)
    assert "MEC Pasifika Communities" not in now
    assert f"version {number + 1}" in now
    # The earlier version reads exactly as before, and says it is an earlier version.
    again = page(client, f"/transparency/versions/{number}")
    assert "MEC Pasifika Communities" in again
    assert f"This is an earlier version (version {number})" in again
    # Word for word: what the statement says is drawn from the stored version alone.
    assert statement_part(again) == statement_part(old)
    assert "MEC Pasifika Communities" in with_it


def test_a_change_that_leaves_the_statement_the_same_makes_no_new_version(
    client, client_as, people, db
):
    channel = live_channel(client_as, people, db)
    page(client)
    number = versions(db)
    # The audience is not on the statement: the change is signed off, the statement stays.
    change_channel(client_as, people, db, channel, audience="Everyone in Aotearoa.")
    assert versions(db) == number
    # The purpose is: a new version, saying the new purpose.
    change_channel(client_as, people, db, channel, purpose="Wider news.")
    assert versions(db) == number + 1
    assert "Wider news." in page(client)
    assert "Wider news." not in page(client, f"/transparency/versions/{number}")


def test_the_statement_in_te_reo(client, client_as, people, db):
    live_channel(client_as, people, db)
    text = page(client, "/transparency?lang=mi")
    assert '<html lang="mi">' in text
    assert "Tauākī pūataata pāpāho pāpori" in text
    assert "Mane, " in text  # Monday
    assert (
        "Social media transparency statement" not in text.split("<main", 1)[1].split("</main>")[0]
    )
    assert 'lang="en" hreflang="en">English</a>' in text


def test_the_statement_follows_the_public_register_switch(client, app, db):
    app.config["PUBLIC_REGISTER_ENABLED"] = False
    assert client.get("/transparency").status_code == 404
    assert client.get("/transparency/versions/1").status_code == 404


def test_the_register_links_to_the_statement(client, db):
    register = page(client, "/register/")
    assert 'href="/transparency"' in register


def test_an_unknown_version_is_a_404(client, db):
    page(client)
    assert client.get("/transparency/versions/99").status_code == 404
    assert client.get("/transparency/versions/99/statement-en.pdf").status_code == 404
    assert client.get("/transparency/versions/1/statement-fr.pdf").status_code == 404


def test_each_version_as_pdf_reads_back_and_renders_the_same_bytes(client, client_as, people, db):
    from registry.transparency import pdf as statement_pdf

    live_channel(client_as, people, db, channel_name="MEC 华人社区 Pasifika")
    number = versions(db)
    page(client)
    url = f"/transparency/versions/{number}/statement-mi.pdf"
    first = client.get(url)
    # The first ask queues the render (run at once in tests); the PDF is there next time.
    assert first.status_code in (200, 202)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Te Tari Mātāwaka" in text
    assert "MEC 华人社区 Pasifika" in text
    assert "Mane" in text
    english = client.get(f"/transparency/versions/{number}/statement-en.pdf")
    english = client.get(f"/transparency/versions/{number}/statement-en.pdf")
    reader = PdfReader(io.BytesIO(english.data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Social media transparency statement" in text
    assert "20 working days" in text
    # Stored once per version and language; a fresh render gives the same bytes.
    db.session.expire_all()
    version = db.session.scalar(select(StatementVersion).where(StatementVersion.number == number))
    stored = db.session.scalar(
        select(StatementPdf).where(
            StatementPdf.version_id == version.id, StatementPdf.language == "en"
        )
    )
    assert statement_pdf.render_pdf(version, "en") == stored.pdf == english.data


# --- the introduction ---------------------------------------------------------------------


def test_the_communications_team_writes_the_introduction_in_a_new_version(
    client, client_as, people, db
):
    page(client)
    comms = client_as("comms")
    form = comms.get("/transparency/introduction").get_data(as_text=True)
    assert "Introduction in English" in form
    based_on = re.search(r'name="based_on" type="hidden" value="(\d+)"', form).group(1)
    response = comms.post(
        "/transparency/introduction",
        data={
            "english": "We use social media to reach every community.",
            "te_reo": "",
            "based_on": based_on,
        },
    )
    assert response.status_code == 302
    assert versions(db) == 2
    text = page(client)
    assert "We use social media to reach every community." in text
    # On the te reo page, the English introduction is marked as English.
    assert '<div class="statement-introduction" lang="en-NZ">' in page(
        client, "/transparency?lang=mi"
    )
    assert "We use social media" not in page(client, "/transparency/versions/1")


def test_the_introduction_form_keeps_what_was_typed_on_error(client_as, people, db):
    comms = client_as("comms")
    typed = "Kia ora " * 700
    response = comms.post(
        "/transparency/introduction", data={"english": "", "te_reo": typed, "based_on": "0"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write the introduction in English." in text
    assert "Keep the te reo Māori introduction under 5,000 characters." in text
    assert "There is a problem" in text or "error-summary" in text
    assert typed.strip() in text
    assert versions(db) == 0


def test_an_introduction_saved_over_someone_elses_is_refused_with_the_text_kept(
    client_as, people, db
):
    comms = client_as("comms")
    assert (
        comms.post(
            "/transparency/introduction", data={"english": "First.", "based_on": "0"}
        ).status_code
        == 302
    )
    response = comms.post(
        "/transparency/introduction", data={"english": "Second.", "based_on": "0"}
    )
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Someone else saved a new introduction" in text and "Second." in text
    # Saving again from that page keeps the text typed there.
    based_on = re.search(r'name="based_on" type="hidden" value="(\d+)"', text).group(1)
    again = {"english": "Second.", "based_on": based_on}
    assert comms.post("/transparency/introduction", data=again).status_code == 302
    assert "Second." in comms.get("/transparency/introduction").get_data(as_text=True)


def test_the_introduction_is_the_communications_teams_alone(client, client_as, people, db):
    assert client.get("/transparency/introduction").status_code == 302  # to sign in
    for role in ("staff_policy", "admin", "ce"):
        assert client_as(role).get("/transparency/introduction").status_code == 403
        assert (
            client_as(role)
            .post("/transparency/introduction", data={"english": "x", "based_on": "0"})
            .status_code
            == 403
        )
    assert versions(db) == 0


def test_saving_the_introduction_is_audited(client_as, people, db):
    from registry.audit.models import AuditEntry

    client_as("comms").post(
        "/transparency/introduction", data={"english": "Hello.", "based_on": "0"}
    )
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"statement-introduction-saved", "statement-version-recorded"} <= actions


def test_remind_records_a_scheduled_closure_in_a_new_version(app, client, client_as, people, db):
    channel = live_channel(client_as, people, db)
    page(client)
    number = versions(db)
    comms = client_as("comms")
    tomorrow = agency_today() + timedelta(days=1)
    close(client_as, channel, tomorrow)  # scheduled: still official today
    assert versions(db) == number
    result = app.test_cli_runner().invoke(
        args=["registry", "remind", "--today", tomorrow.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert versions(db) == number + 1
    assert "MEC Pasifika Communities" not in page(client)
    assert comms


def test_decisions_and_readers_at_once_number_versions_one_after_another(client_as, people, db):
    """Two go-lives, an introduction and readers of the statement at once, on real
    connections: no error, versions numbered one after another, the last lists both."""
    from registry.policy.platforms import expected_channel_url
    from tests.workflow import secure_account

    channels = []
    for name, handle in (("MEC Race One", "MECRaceOne"), ("MEC Race Two", "MECRaceTwo")):
        channel = channel_of(
            db, approved_proposal(client_as, people, channel_name=name, handle=handle)
        )
        secure_account(channel.id, people)
        channels.append(channel)
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def act(client, method, url, data=None) -> None:  # noqa: ANN001
        barrier.wait()
        response = client.post(url, data=data) if method == "POST" else client.get(url)
        statuses.append(response.status_code)

    comms = [client_as("comms") for _ in range(3)]
    readers = [client_as("staff_policy") for _ in range(3)]
    jobs = [
        (
            comms[0],
            "POST",
            f"/channels/{channels[0].id}/live",
            {"channel_url": expected_channel_url("facebook", "MECRaceOne")},
        ),
        (
            comms[1],
            "POST",
            f"/channels/{channels[1].id}/live",
            {"channel_url": expected_channel_url("facebook", "MECRaceTwo")},
        ),
        (comms[2], "POST", "/transparency/introduction", {"english": "Hello.", "based_on": "1"}),
        *((reader, "GET", "/transparency", None) for reader in readers),
    ]
    threads = [threading.Thread(target=act, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.rollback()
    assert len(statuses) == 6 and 500 not in statuses, statuses
    numbers = list(
        db.session.scalars(select(StatementVersion.number).order_by(StatementVersion.number))
    )
    assert numbers == list(range(1, len(numbers) + 1))
    last = db.session.scalar(
        select(StatementVersion).order_by(StatementVersion.number.desc()).limit(1)
    )
    assert {c["name"] for c in last.snapshot["channels"]} == {"MEC Race One", "MEC Race Two"}


def test_a_confirmed_import_adds_its_channels_in_a_new_version(client, client_as, people, db):
    from tests.workflow import confirm_import, submit_import

    page(client)
    number = versions(db)
    batch_id = submit_import(
        client_as("comms"),
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
        f"MEC Old Page,Facebook,MECOldPage,,POL,{people.comms.email},2019-07-01\r\n",
    )
    assert versions(db) == number  # waiting for the Manager Communications: not official yet
    assert confirm_import(client_as("manager"), batch_id).status_code == 302
    assert versions(db) == number + 1
    text = page(client)
    assert '<h3 id="channel-1" dir="auto">MEC Old Page</h3>' in text
    assert "Not on record: this channel existed before the registry." in text
