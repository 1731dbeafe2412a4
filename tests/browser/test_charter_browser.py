"""After the three sign-offs, a person downloads the charter and checks it on the verify page."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import sign_in
from tests.workflow import approved_proposal


def test_download_the_charter_and_verify_it(page, client_as, people, artifacts_dir):
    proposal = approved_proposal(client_as, people)
    sign_in(page, people.staff_policy.email, factories.PASSWORD)
    page.goto(f"/proposals/{proposal.id}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download charter (PDF)").click()
    download = download_info.value
    saved = artifacts_dir / download.suggested_filename
    download.save_as(saved)
    digest = hashlib.sha256(saved.read_bytes()).hexdigest()
    assert saved.name.startswith("MEC-CH-") and saved.read_bytes().startswith(b"%PDF")

    page.get_by_role("link", name="Verification page").click()
    expect(page.get_by_text(digest)).to_be_visible()
    # Signed off but not live yet: the page says so rather than just "Approved".
    expect(page.locator(".notice[role=status]")).to_contain_text(
        "Status now: Approved, not yet live"
    )
    page.get_by_label("Charter PDF").set_input_files(str(saved))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("alert")).to_contain_text("The file matches.")
    expect(page.get_by_role("alert")).to_contain_text("The channel is not live yet")
    page.screenshot(path=str(artifacts_dir / "charter-verified.png"), full_page=True)

    if shutil.which("pdftoppm"):  # pages as pictures, for a person to look at
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(saved), str(artifacts_dir / "charter-page")],
            check=True,
        )
