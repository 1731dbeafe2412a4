"""axe-core on every page of the journey, each seen by the person who uses it.

WCAG 2.1 AA is the NZ Government Web Accessibility Standard. axe-core (shipped inside the
axe-playwright-python package: nothing is downloaded) runs in the real browser on each page,
with the WCAG 2.0/2.1 A and AA rules and axe's best practices. Any violation fails the test
and is printed with its rule, impact, help text and the elements it was found on.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select, update

from registry import notifications
from registry.auth import appointment_requests, invitations
from registry.auth.models import Office
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.jobs import run_due
from registry.jobs.models import Job
from registry.proposals.models import Proposal
from tests import factories
from tests.browser.conftest import sign_in
from tests.inventory_data import seed_channels
from tests.proposal_data import good_form
from tests.workflow import accept_security_risk, approved_proposal, submitted_proposal

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# WCAG 2.1 still has 4.1.1 Parsing (2.2 made it obsolete, so axe turns its rules off by default).
PARSING_RULES = {"duplicate-id": {"enabled": True}, "duplicate-id-active": {"enabled": True}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": TAGS},
    "rules": PARSING_RULES,
    "resultTypes": ["violations"],
}
AXE = Axe()

# Across the module: which pages were checked and which rules ran on them.
PAGES_CHECKED: list[str] = []
RULES_CHECKED: set[str] = set()
NEEDS_REVIEW: dict[str, set[str]] = {}


def _report(name: str, url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {name} ({url}):"]
    for violation in violations:
        lines.append(
            f"  - {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({', '.join(t for t in violation['tags'] if t.startswith('wcag'))})"
        )
        for node in violation["nodes"]:
            targets = ", ".join(" ".join(t) if isinstance(t, list) else t for t in node["target"])
            lines.append(f"      at {targets}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary[:300]}")
    return "\n".join(lines)


class Audit:
    """Runs axe on the page as it is now; collects violations so a test reports them all."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.page = page
        self.problems: list[str] = []

    def check(self, name: str, error_page: bool = False) -> None:
        self.page.wait_for_load_state("load")
        if not error_page:  # audit the page the journey meant to reach, not an error page
            heading = self.page.locator("h1").first.inner_text()
            assert not re.search(r"went wrong|not found|do not have access", heading), (
                f"{name}: {self.page.url} shows {heading!r}"
            )
        results = AXE.run(self.page, options=AXE_OPTIONS).response
        PAGES_CHECKED.append(name)
        for key in ("violations", "passes", "incomplete", "inapplicable"):
            RULES_CHECKED.update(rule["id"] for rule in results[key])
        for rule in results["incomplete"]:
            NEEDS_REVIEW.setdefault(rule["id"], set()).add(name)
        if results["violations"]:
            report = _report(name, self.page.url, results["violations"])
            print("\n" + report)
            self.problems.append(report)

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


@pytest.fixture(scope="module", autouse=True)
def _print_totals():  # noqa: ANN202
    yield
    print(
        f"\naxe-core: {len(PAGES_CHECKED)} pages checked against {len(RULES_CHECKED)} rules "
        f"({', '.join(TAGS)}, and WCAG 2.1's 4.1.1 Parsing)."
    )
    if NEEDS_REVIEW:
        print('Left by axe for a person to review (axe "incomplete"):')
        for rule, pages in sorted(NEEDS_REVIEW.items()):
            print(f"  {rule}: {len(pages)} page(s)")


def switch_person(page, email: str) -> None:  # noqa: ANN001
    """Sign out (by dropping the session cookie) and sign in as someone else."""
    page.context.clear_cookies()
    sign_in(page, email, factories.PASSWORD)


@pytest.fixture
def audit(page) -> Audit:  # noqa: ANN001
    return Audit(page)


def test_signed_out_pages(page, people, audit, app):
    page.goto("/sign-in")
    audit.check("sign in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("sign in, empty form")
    sign_in(page, people.staff_policy.email, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    audit.check("sign in, wrong password")

    page.goto("/charters/verify")
    audit.check("verify a charter: lookup")
    page.get_by_role("button", name="Find charter").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("verify a charter: lookup with an error")
    page.get_by_label("Charter number").fill("MEC-CH-2000-9999")
    page.get_by_role("button", name="Find charter").click()
    audit.check("verify a charter: unknown number", error_page=True)

    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    audit.check("404, signed out", error_page=True)
    audit.assert_clean()


def test_staff_pages(page, people, client_as, db, audit):
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    audit.check("dashboard (staff)")

    page.goto("/proposals/new")
    audit.check("new proposal, about the channel, empty")
    # Invalid values are refused by the form itself.
    page.get_by_label("Handle").fill("not a handle!!")
    page.get_by_label("Platform", exact=True).select_option(label="Instagram")
    page.get_by_label("Channel URL").fill("http://example.com")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_focused()
    audit.check("new proposal, invalid fields")
    # A nearly blank draft saves, and its task list says what is still to do.
    page.get_by_label("Handle").fill("")
    page.get_by_label("Channel URL").fill("")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#status-terms")).to_have_text("Not started")
    audit.check("task list")
    page.get_by_role("link", name="Terms of use and monitoring").click()
    page.get_by_label("From").nth(0).fill("09:00")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_focused()
    audit.check("a section of the proposal, with errors")
    # It cannot be submitted: every rule it fails is listed, linked to its section.
    page.get_by_role("link", name="Back to the task list").click()
    page.get_by_role("link", name="Check your answers").click()
    audit.check("check your answers, what the policy still needs")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.locator(".error-summary")).to_contain_text("SMP-TERMS")
    audit.check("check your answers, policy errors on submit")

    page.goto("/proposals/")
    audit.check("my proposals")
    db.session.rollback()  # see what the browser's requests committed
    draft = db.session.scalar(select(Proposal))
    page.goto(f"/proposals/{draft.id}")
    audit.check("draft proposal with policy report")

    # The stale-edit conflict: another tab saves while this one is open.
    page.goto(f"/proposals/{draft.id}/edit/about")
    version = str(draft.version)
    other_tab = client_as("staff_policy")
    response = other_tab.post(
        f"/proposals/{draft.id}/edit/about",
        data=good_form(people, version=version, channel_name="Saved in another tab"),
    )
    assert response.status_code == 302
    page.get_by_label("Channel name").fill("Typed in this tab")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="This proposal changed while you were editing"))
    audit.check("stale edit conflict")

    submitted = submitted_proposal(client_as, people, handle="MECSubmitted")
    page.goto(f"/proposals/{submitted.id}")
    audit.check("submitted proposal with sign-off status")

    page.goto("/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    audit.check("403", error_page=True)
    page.goto("/proposals/999999")
    audit.check("404, signed in", error_page=True)

    page.goto("/account/tokens")
    audit.check("API tokens")
    page.get_by_role("button", name="Create token").click()
    audit.check("API tokens, error")
    page.get_by_label("Token name").fill("Monthly report")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token-value")).to_be_visible()
    audit.check("API tokens, new token shown")
    audit.assert_clean()


def test_signatory_pages(page, people, client_as, db, audit):
    proposal = submitted_proposal(client_as, people)
    sign_in(page, people.ce.email, factories.PASSWORD)
    audit.check("dashboard (CE)")
    page.get_by_role("link", name="Awaiting my sign-off").first.click()
    audit.check("sign-off queue")
    page.get_by_role("link", name=proposal.title).click()
    audit.check("sign-off decision")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("sign-off decision, error")

    # A DCE who is also Acting Manager Communications chooses the capacity they sign in.
    factories.appoint(
        people.dce_policy,
        Office.MANAGER_COMMUNICATIONS,
        acting=True,
        starts_on=agency_today(),
        ends_on=agency_today() + timedelta(days=3),
    )
    switch_person(page, people.dce_policy.email)
    page.goto(f"/proposals/{proposal.id}/signoff")
    audit.check("sign-off decision, choosing the capacity")

    # The proposer cannot sign.
    switch_person(page, people.staff_policy.email)
    page.goto(f"/proposals/{proposal.id}/signoff")
    audit.check("sign-off decision, proposer")
    audit.assert_clean()


def test_sign_off_page_states(page, people, client_as, db, audit, artifacts_dir):
    """The sign-off page as a returning signatory reads it: who is acting, what changed since
    they last decided, the proposal and report, the decision last; then, once signed, only
    what is left to do."""
    from registry.proposals import services as proposal_services

    proposal = submitted_proposal(client_as, people)
    client_as("ce").post(
        f"/proposals/{proposal.id}/signoff",
        data={
            "decision": "request-changes",
            "revision_number": "1",
            "content_sha256": proposal.current_revision.content_sha256,
            "comment": "Sharpen the purpose.",
        },
    )
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    content = {**proposal.current_revision.content, "purpose": "A sharper purpose, as asked."}
    saved = proposal_services.save_proposal(
        proposal.id, people.staff_policy, content, proposal.version
    )
    proposal_services.submit_proposal(proposal.id, people.staff_policy, saved.proposal.version)

    sign_in(page, people.ce.email, factories.PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/proposals/{proposal.id}/signoff")
    expect(page.locator("#acting-notes")).to_contain_text("Sam Acting is Acting Chief Executive")
    expect(page.locator("#changes")).to_contain_text("A sharper purpose, as asked.")
    expect(page.locator("tr.waiting")).to_contain_text("Waiting for sign-off")
    audit.check("sign-off decision, returning with changes")
    page.screenshot(path=str(artifacts_dir / "signoff-page.png"), full_page=True)
    # The skip link goes straight to the decision.
    page.get_by_role("link", name="Go to your decision").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".notice-success")).to_contain_text("You signed off")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    audit.check("sign-off decision, after signing")
    page.get_by_text("Request changes or decline instead").click()
    expect(page.get_by_role("button", name="Decline")).to_be_visible()
    audit.check("sign-off decision, after signing, raising a problem")
    page.screenshot(path=str(artifacts_dir / "signoff-page-after.png"), full_page=True)
    page.goto("/signoffs/")
    audit.check("sign-off queue")
    switch_person(page, people.acting_ce.email)
    page.goto("/signoffs/")
    audit.check("sign-off queue, nothing waiting")
    audit.assert_clean()


def test_communications_pages(page, people, client_as, db, audit):
    approved = approved_proposal(client_as, people)
    seed_channels(45, [people.policy, people.community], liaison_id=people.comms.id)
    db.session.execute(
        update(Channel)
        .where(Channel.handle.like("seed_%"))
        .values(review_due=agency_today() - timedelta(days=5))
    )
    db.session.commit()
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == approved.id))
    accept_security_risk(client_as, channel.id)

    sign_in(page, people.comms.email, factories.PASSWORD)
    audit.check("dashboard (comms)")
    page.goto(f"/proposals/{approved.id}")
    audit.check("approved proposal with charter")
    page.goto(f"/channels/{channel.id}")
    audit.check("channel, approved (mark as live)")
    page.get_by_role("button", name="Mark as live").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("channel, mark as live error")
    page.get_by_label("Channel URL").fill("https://www.facebook.com/MECPasifika")
    page.get_by_role("button", name="Mark as live").click()
    expect(page.locator(".notice-success")).to_be_visible()
    audit.check("channel, active")

    page.goto("/inventory/")
    audit.check("inventory")
    page.get_by_label("Review", exact=True).select_option(label="Review overdue")
    page.get_by_label("Platform").select_option(label="Facebook")
    page.get_by_label("No charter on record only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"review=overdue"))
    audit.check("inventory, filtered")
    page.goto("/inventory/?per_page=25&sort=review&page=2")
    audit.check("inventory, page 2")
    page.goto("/inventory/?platform=myspace")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("inventory, unknown filter")
    page.goto("/inventory/?q=nothing-matches-this")
    audit.check("inventory, no matches")

    seeded = db.session.scalar(select(Channel).where(Channel.handle == "seed_00000"))
    page.goto(f"/channels/{seeded.id}")
    audit.check("channel, imported without a charter")
    page.get_by_role("link", name="Review", exact=True).click()
    audit.check("review")
    page.get_by_role("button", name="Start a change").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("review, errors")
    page.goto(f"/channels/{seeded.id}/attest")
    audit.check("attestation (liaison)")
    page.get_by_role("button", name="Attest").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("attestation, errors")
    page.goto(f"/channels/{seeded.id}/decommission")
    audit.check("decommission")
    page.get_by_role("button", name="Decommission").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("decommission, errors")

    page.goto("/inventory/import")
    audit.check("import")
    page.get_by_role("button", name="Check the file").click()
    audit.check("import, no file chosen")
    bad_csv = (
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
        "MEC Youth,facebook,MECYouth,https://www.facebook.com/MECYouth,POL,"
        "mere.comms@example.govt.nz,2024-02-01\r\n"
        "No platform,,x,,NOPE,nobody@example.govt.nz,yesterday\r\n"
    )
    page.get_by_label("Channels spreadsheet (CSV)").set_input_files(
        {"name": "channels.csv", "mimeType": "text/csv", "buffer": bad_csv.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".error-summary")).to_contain_text("nothing was imported")
    audit.check("import, preview with row errors")
    good_csv = bad_csv.rsplit("\r\n", 2)[0] + "\r\n"
    page.get_by_label("Channels spreadsheet (CSV)").set_input_files(
        {"name": "channels.csv", "mimeType": "text/csv", "buffer": good_csv.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible()
    audit.check("import, preview ready")
    page.get_by_role("button", name="Submit the import for confirmation").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"Import IMP-\d+: 1 channel"))
    ).to_be_visible()
    audit.check("import, waiting for the Manager Communications")
    page.goto("/inventory/imports/")
    audit.check("imports")
    audit.assert_clean()


def test_import_confirmation_pages(page, people, client_as, db, audit):
    from tests.workflow import submit_import

    submit_import(
        client_as("comms"),
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
        "MEC Youth,facebook,MECYouth,https://www.facebook.com/MECYouth,POL,"
        "mere.comms@example.govt.nz,2024-02-01\r\n",
    )
    sign_in(page, people.manager.email, factories.PASSWORD)
    audit.check("dashboard, an import awaiting confirmation")
    page.get_by_role("link", name=re.compile(r"IMP-\d+: 1 channel")).click()
    expect(page.get_by_role("button", name="Confirm the import")).to_be_visible()
    audit.check("import, to confirm or refuse")
    page.get_by_role("button", name="Refuse the import").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("import, refusal without a reason")
    page.get_by_label("Why you are refusing this import").fill("Not ours.")
    page.get_by_role("button", name="Refuse the import").click()
    expect(page.locator(".notice-success")).to_be_visible()
    audit.check("import, refused")
    audit.assert_clean()


def test_import_export_round_trip_preview_then_submit(page, people, db, audit):
    """The export, edited in a spreadsheet, uploaded: the preview says what changes, and the
    button to submit comes after it, never before."""
    from registry.inventory.importing import import_channels

    sheet = (
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
        "MEC Voices,facebook,MECVoices,https://www.facebook.com/MECVoices,POL,"
        "mere.comms@example.govt.nz,2020-02-01\r\n"
    )
    assert import_channels(sheet.encode(), None).count == 1
    db.session.commit()
    sign_in(page, people.comms.email, factories.PASSWORD)
    page.goto("/inventory/import")
    submit = page.get_by_role("button", name="Submit the import for confirmation")
    expect(submit).to_have_count(0)  # nothing to submit before a file is checked
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the inventory (CSV)").click()
    exported = download.value.path().read_text(encoding="utf-8")
    edited = exported.replace("MEC Voices", "MEC Voices of the Communities") + (
        "C-9999,Ghost,facebook,MECGhost,,POL,,active,mere.comms@example.govt.nz,2020-01-01"
        ",,,,,,\r\n"
    )
    page.get_by_label("Channels spreadsheet (CSV)").set_input_files(
        {"name": "edited.csv", "mimeType": "text/csv", "buffer": edited.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("1 row to fix")
    expect(summary.get_by_role("row")).to_have_count(2)  # the heading row and one error
    expect(summary).to_contain_text("The registry has no channel C-9999")
    expect(submit).to_have_count(0)
    audit.check("import, export edited, a row to fix")

    page.get_by_label("Channels spreadsheet (CSV)").set_input_files(
        {
            "name": "edited.csv",
            "mimeType": "text/csv",
            "buffer": edited.rsplit("C-9999", 1)[0].encode(),
        }
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="What the import will do")).to_be_visible()
    changes = page.get_by_role("table", name="Channels changed")
    expect(changes).to_contain_text("MEC Voices of the Communities")
    expect(submit).to_be_visible()
    # Read top to bottom: what changes, then the button.
    assert (
        submit.bounding_box()["y"] > changes.bounding_box()["y"] + changes.bounding_box()["height"]
    )
    audit.check("import, preview of a change")
    submit.click()
    expect(page.get_by_role("table", name="Channels this import changes")).to_contain_text(
        "MEC Voices of the Communities"
    )
    audit.check("import, a change waiting for the Manager Communications")
    audit.assert_clean()


def test_choosing_a_password_from_an_invitation(page, people, audit, mailbox):
    invitations.invite_person("kiri.new@example.govt.nz", "Kiri New", None, actor=people.admin)
    run_due()  # the invitation is a job: sent now, by the worker's code
    body = mailbox.to("kiri.new@example.govt.nz")[0].get_body().get_content()
    page.goto(re.search(r"https?://[^/\s]+(/invitation/\S+)", body).group(1))
    audit.check("choose a password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".error-summary")).to_be_focused()
    audit.check("choose a password with errors")
    page.get_by_label("New password", exact=True).fill("kiri-chose-this-herself")
    page.get_by_label("Confirm new password").fill("kiri-chose-this-herself")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password is set. Sign in with it.")).to_be_visible()
    sign_in(page, "kiri.new@example.govt.nz", "kiri-chose-this-herself")
    expect(page.get_by_role("heading", name="Kia ora, Kiri New")).to_be_visible()
    page.goto("/invitation/no-such-link")
    audit.check("a link that cannot be used")
    audit.assert_clean()


def test_admin_pages(page, people, db, audit):
    sign_in(page, people.admin.email, factories.PASSWORD)
    audit.check("dashboard (admin)")
    page.get_by_role("link", name="Administration").click()
    audit.check("admin: people")
    page.get_by_role("link", name="Add a person").click()
    # Administrators never know anyone's password: the person chooses it from an emailed link.
    expect(page.locator('input[type="password"]')).to_have_count(0)
    audit.check("admin: new person")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".error-summary")).to_be_focused()
    audit.check("admin: new person with errors")
    page.goto(f"/admin/users/{people.staff_policy.id}")
    audit.check("admin: edit person")
    page.get_by_role("link", name="Reset password").click()
    audit.check("admin: reset password")
    page.get_by_role("link", name="Business units").click()
    audit.check("admin: business units")
    page.get_by_role("link", name="Add a business unit").click()
    page.get_by_role("button", name="Add business unit").click()
    audit.check("admin: new business unit with errors")
    # A request from a second administrator waits for Aroha: the pending table and its buttons.
    other = factories.make_user("wiremu.admin", people.corporate, "Wiremu Pohe")
    factories.appoint(other, Office.ADMIN)
    appointment_requests.request_appointment(
        other, people.staff_community, Office.MANAGER_COMMUNICATIONS, agency_today(), acting=True
    )
    page.get_by_role("link", name="Appointments").click()
    expect(page.get_by_role("button", name=re.compile(r"^Confirm"))).to_be_visible()
    audit.check("admin: appointments")
    page.get_by_role("link", name="Make an appointment").click()
    audit.check("admin: new appointment")
    page.get_by_role("button", name="Make appointment").click()
    expect(page.locator(".error-summary")).to_be_focused()
    audit.check("admin: new appointment with errors")
    page.goto("/admin/appointments")
    page.get_by_role("link", name=re.compile(r"^End Acting")).first.click()
    audit.check("admin: end appointment")
    # One email waiting and one out of attempts: both tables, and a Retry button.
    notifications.send(["kiri.new@example.govt.nz"], "Waiting for the worker", "Kia ora.")
    notifications.send(["rua.new@example.govt.nz"], "Failed", "Kia ora.")
    db.session.commit()
    failed = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    failed.state, failed.attempts = "failed", failed.max_attempts
    failed.last_error = "ConnectionRefusedError: [Errno 111] Connection refused"
    db.session.commit()
    page.get_by_role("link", name="Emails and charters").click()
    expect(page.get_by_role("button", name=re.compile(r"^Retry"))).to_be_visible()
    audit.check("admin: emails and charters")
    audit.assert_clean()


def test_charter_verification(page, people, client_as, db, audit):
    approved_proposal(client_as, people)
    charter = db.session.scalar(select(Charter))
    page.goto(f"/charters/{charter.number}/verify")
    audit.check("verify charter")
    page.get_by_role("button", name="Check file").click()
    audit.check("verify charter, no file")
    page.get_by_label("Charter PDF").set_input_files(
        {"name": "copy.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 changed"}
    )
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("alert")).to_contain_text("The file does not match.")
    audit.check("verify charter, file does not match")
    audit.assert_clean()


def test_public_register(page, people, client_as, db, audit, register_on):
    approved = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == approved.id))
    accept_security_risk(client_as, channel.id)
    client_as("comms").post(
        f"/channels/{channel.id}/live",
        data={"channel_url": "https://www.facebook.com/MECPasifika"},
    )
    page.goto("/register/")
    audit.check("public register")
    page.get_by_role("button", name="Check").click()
    audit.check("public register, empty lookup")
    page.get_by_label("Account address, handle or name").fill("@MECPasifika")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("Yes")
    audit.check("public register, official account")
    page.get_by_label("Account address, handle or name").fill("@NotUs")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("status")).to_contain_text("No")
    audit.check("public register, unknown account")
    audit.assert_clean()


def test_public_pages_in_te_reo_maori(page, people, client_as, db, audit, register_on):
    """The switch turns the public pages into te reo Māori, the choice carries to the next
    public page, and every state is as accessible as in English."""
    channel = live_channel(client_as, people, db, channel_name="اردو کمیونٹی MEC")
    page.goto("/register/")
    page.get_by_role("link", name="Te reo Māori").click()
    expect(page.locator("html")).to_have_attribute("lang", "mi")
    expect(page.get_by_role("heading", level=2, name="He pūkete ōkawa tēnei?")).to_be_visible()
    name = page.get_by_role("cell", name="اردو کمیونٹی MEC").locator("span")
    expect(name).to_have_attribute("dir", "auto")
    # Isolated, the Urdu name runs right to left inside the left-to-right page.
    assert name.evaluate("e => getComputedStyle(e).direction") == "rtl"
    audit.check("public register, te reo Māori")
    page.get_by_role("button", name="Tirohia").click()
    expect(page.get_by_role("alert")).to_contain_text("He raruraru")
    audit.check("public register, empty lookup, te reo Māori")
    page.get_by_label("Te wāhitau, te ingoa kaiwhakamahi, te ingoa rānei o te pūkete").fill(
        f"@{channel.handle}"
    )
    page.get_by_role("button", name="Tirohia").click()
    expect(page.get_by_role("status").first).to_contain_text("Āe")
    audit.check("public register, official account, te reo Māori")
    page.goto("/charters/verify")  # remembered: no need to choose again
    expect(page.locator("html")).to_have_attribute("lang", "mi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Manatoko i tētahi tūtohinga")
    audit.check("verify a charter, te reo Māori")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-NZ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a charter")
    audit.assert_clean()


def live_channel(client_as, people, db, **overrides) -> Channel:  # noqa: ANN001
    approved = approved_proposal(client_as, people, **overrides)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == approved.id))
    accept_security_risk(client_as, channel.id)
    client_as("comms").post(
        f"/channels/{channel.id}/live",
        data={"channel_url": f"https://www.facebook.com/{channel.handle}"},
    )
    db.session.expire_all()
    return channel


def test_information_requests_security_and_election_pages(page, people, client_as, db, audit):
    channel = live_channel(client_as, people, db)
    today = agency_today()
    response = client_as("admin").post(
        "/admin/election-periods",
        data={
            "name": "General election",
            "starts_on": (today - timedelta(days=2)).isoformat(),
            "ends_on": (today + timedelta(days=20)).isoformat(),
        },
    )
    assert response.status_code in (200, 302)

    sign_in(page, people.comms.email, factories.PASSWORD)
    audit.check("dashboard (comms) in an election period")
    page.goto(f"/channels/{channel.id}")
    audit.check("channel, active, in an election period")
    page.get_by_role("link", name="Log an information request").click()
    audit.check("log an information request")
    page.get_by_role("button", name="Log request").click()
    expect(page.locator(".error-summary")).to_be_focused()
    audit.check("log an information request, errors")
    # Yesterday: a request logged with no time is taken as received at noon, never in the future.
    page.get_by_label("Date received").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Requester").fill("@someone")
    page.get_by_label("What they asked for").fill("How many followers does the page have?")
    page.get_by_role("button", name="Log request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Information request")
    audit.check("information request")
    page.get_by_role("button", name="Extend").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("information request, errors")

    page.goto(f"/channels/{channel.id}/security")
    audit.check("account security")
    page.get_by_label("Recovery email").fill("not an email")
    page.get_by_role("button", name="Save account security").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("account security, errors")
    page.goto("/inventory/people-changes")
    audit.check("people changes")

    page.context.clear_cookies()
    sign_in(page, people.admin.email, factories.PASSWORD)
    page.goto("/admin/election-periods")
    audit.check("admin: election periods")
    page.get_by_role("button", name="Record election period").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("admin: election periods, errors")
    audit.assert_clean()


# What sticks out past the right edge of the screen (data tables scroll by themselves).
WIDER_THAN_SCREEN = """() => {
  const edge = document.documentElement.clientWidth + 1, out = [];
  const inTable = (node) => node.closest && node.closest("table.table");
  for (const el of document.querySelectorAll("body *")) {
    if (!inTable(el.parentElement || el) && el.getBoundingClientRect().right > edge) {
      out.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (inTable(node.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().right > edge) {
      out.push(`text ${node.textContent.slice(0, 40)}`);
    }
  }
  return out.slice(0, 12);
}"""


def test_pages_reflow_on_a_narrow_screen(page, people, client_as, db, audit):
    """WCAG 1.4.10: at 320 CSS pixels wide nothing but a data table scrolls sideways."""
    channel = live_channel(client_as, people, db)
    submitted = submitted_proposal(client_as, people, handle="MECNarrow")
    seed_channels(12, [people.policy, people.community], liaison_id=people.comms.id)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, people.manager.email, factories.PASSWORD)

    def check_reflow(name: str) -> None:
        page.wait_for_load_state("load")  # the stylesheet is in
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            wide = page.evaluate(WIDER_THAN_SCREEN)
            raise AssertionError(f"{name} scrolls sideways at 320px: {widths}; too wide: {wide}")
        audit.check(f"{name} at 320px")

    check_reflow("dashboard")
    page.goto("/inventory/")
    check_reflow("inventory")
    table = page.get_by_role("table", name="Channels matching the filters")
    expect(table).to_be_visible()  # still a table, with its caption, while its rows are cards
    assert table.evaluate("table => table.scrollWidth <= table.parentElement.clientWidth")
    page.goto(f"/channels/{channel.id}")
    check_reflow("channel")
    page.goto(f"/proposals/{channel.proposal_id}")
    check_reflow("approved proposal")
    page.goto(f"/proposals/{submitted.id}/signoff")
    check_reflow("sign-off decision")
    page.goto("/signoffs/")
    check_reflow("sign-off queue")
    page.goto("/proposals/new")
    page.get_by_label("Platform", exact=True).select_option(label="Other")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_reflow("new proposal with errors")
    page.goto("/account/tokens")
    check_reflow("API tokens")
    audit.assert_clean()


def test_the_open_data_page(page, app, db, audit, register_on, tmp_path):
    """Where the open data is and the key its signatures are checked with, in both languages."""
    from registry import signing

    key = tmp_path / "open-data.pem"
    signing.write_new_private_key(key)
    app.config["OPEN_DATA_SIGNING_KEY_FILE"] = str(key)
    try:
        page.goto("/register/")
        page.get_by_role("link", name="Open data").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Open data about our official channels"
        )
        expect(page.get_by_role("heading", name="Current key")).to_be_visible()
        audit.check("open data")
        page.get_by_role("link", name="Te reo Māori").click()
        expect(page.locator("html")).to_have_attribute("lang", "mi")
        audit.check("open data, te reo Māori")
    finally:
        app.config["OPEN_DATA_SIGNING_KEY_FILE"] = ""
    audit.assert_clean()
