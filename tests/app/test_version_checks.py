"""Save, submit and withdraw must say which version they were made from, or be refused.

Without a version the stale-edit check used to be skipped: a form from yesterday, or a
request that left the field out, overwrote whatever had been saved since.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import Signoff
from tests.proposal_data import good_form
from tests.workflow import decision_form, fill_in, submitted_proposal

OMITTED = None
# Each way a version can be unusable: left out, blank, not a number, negative, out of date.
BAD_VERSIONS = [OMITTED, "", "abc", "-1", "stale"]
IDS = ["omitted", "blank", "abc", "minus-one", "stale"]


def _draft(client, people) -> Proposal:  # noqa: ANN001
    return _fresh_id(fill_in(client, good_form(people)))


def _fresh_id(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def _fresh(proposal: Proposal) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def _with_version(data: dict, version: str | None, proposal: Proposal) -> dict:
    data = {k: v for k, v in data.items() if k != "version"}
    if version == "stale":
        data["version"] = str(proposal.version - 1)
    elif version is not OMITTED:
        data["version"] = version
    return data


def _stale_by_one(client, people, proposal: Proposal) -> Proposal:  # noqa: ANN001
    # Another tab saves first, so the proposal is at version 2 and version 1 is stale.
    saved = client.post(
        f"/proposals/{proposal.id}/edit/about",
        data=good_form(people, version=str(proposal.version), audience="Saved in another tab."),
    )
    assert saved.status_code == 302
    return _fresh(proposal)


@pytest.mark.parametrize("version", BAD_VERSIONS, ids=IDS)
def test_a_save_without_a_current_version_is_refused_and_kept(client_as, people, db, version):
    client = client_as("staff_policy")
    proposal = _stale_by_one(client, people, _draft(client, people))
    typed = good_form(people, purpose="Typed in the form, not yet saved.")
    response = client.post(
        f"/proposals/{proposal.id}/edit/about", data=_with_version(typed, version, proposal)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Nothing was saved" in page or "changed by someone else" in page
    assert "Typed in the form, not yet saved." in page  # shown again, beside the saved version
    assert "Saved in another tab." in page
    after = _fresh(proposal)
    assert after.version == proposal.version
    assert after.current_revision.content["purpose"] == proposal.current_revision.content["purpose"]
    # The form shown again carries the current version: saving it from there keeps the typing.
    shown = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert shown == str(after.version)
    retry = client.post(f"/proposals/{proposal.id}/edit/about", data={**typed, "version": shown})
    assert retry.status_code == 302
    assert _fresh(proposal).current_revision.content["purpose"] == (
        "Typed in the form, not yet saved."
    )


def test_a_missing_version_says_so(client_as, people, db):
    client = client_as("staff_policy")
    proposal = _draft(client, people)
    response = client.post(f"/proposals/{proposal.id}/edit/about", data=good_form(people))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "We could not tell which version you were editing" in page
    assert "did not say which version" in page and "Nothing was saved" in page


@pytest.mark.parametrize("version", BAD_VERSIONS, ids=IDS)
def test_a_submit_without_a_current_version_is_refused(client_as, people, db, version):
    client = client_as("staff_policy")
    proposal = _stale_by_one(client, people, _draft(client, people))
    response = client.post(
        f"/proposals/{proposal.id}/submit", data=_with_version({}, version, proposal)
    )
    assert response.status_code == 409
    assert "so nothing was submitted" in response.get_data(as_text=True)
    after = _fresh(proposal)
    assert after.state_enum is ProposalState.DRAFT
    assert after.version == proposal.version


@pytest.mark.parametrize("version", BAD_VERSIONS, ids=IDS)
def test_a_withdraw_without_a_current_version_is_refused(client_as, people, db, version):
    client = client_as("staff_policy")
    proposal = _stale_by_one(client, people, _draft(client, people))
    response = client.post(
        f"/proposals/{proposal.id}/withdraw",
        data=_with_version({"reason": "No longer needed."}, version, proposal),
    )
    assert response.status_code == 409
    assert "so nothing was withdrawn" in response.get_data(as_text=True)
    after = _fresh(proposal)
    assert after.state_enum is ProposalState.DRAFT
    assert after.version == proposal.version


def test_submit_and_withdraw_with_the_current_version_go_ahead(client_as, people, db):
    client = client_as("staff_policy")
    proposal = _draft(client, people)
    submitted = client.post(
        f"/proposals/{proposal.id}/submit", data={"version": str(proposal.version)}
    )
    assert submitted.status_code == 302
    proposal = _fresh(proposal)
    assert proposal.state_enum is ProposalState.AWAITING_SIGNOFF
    withdrawn = client.post(
        f"/proposals/{proposal.id}/withdraw", data={"version": str(proposal.version)}
    )
    assert withdrawn.status_code == 302
    assert _fresh(proposal).state_enum is ProposalState.WITHDRAWN


@pytest.mark.parametrize("revision", [OMITTED, "", "abc", "-1", "0", "2"])
def test_a_signoff_without_the_current_revision_is_refused(client_as, people, db, revision):
    # Sign-offs are bound to a revision number and its hash; neither may be missing.
    proposal = submitted_proposal(client_as, people)
    form = decision_form(proposal, "approve", capacity="chief-executive")
    form.pop("revision_number")
    if revision is not OMITTED:
        form["revision_number"] = revision
    response = client_as("ce").post(f"/proposals/{proposal.id}/signoff", data=form)
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Signoff.id))) == 0
