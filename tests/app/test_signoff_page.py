"""The sign-off page reads in the order a signatory decides: what is being approved (the
changes since they last decided, the proposal, the policy report, the sign-offs so far), the
decision last; sign-offs still to come wait, they do not fail; acting appointments are said."""

from __future__ import annotations

import re

from registry.extensions import db
from registry.proposals import services as proposal_services
from registry.proposals.models import Proposal
from registry.timeutil import format_date
from tests.workflow import decide, submitted_proposal


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _report_row(page: str, rule_id: str) -> str:
    row = re.search(
        rf'<tr class="(\w+)">\s*<td>(.*?)</td>\s*<th scope="row"><span class="rule-id">{rule_id}<',
        page,
        re.S,
    )
    assert row, f"no row for {rule_id}"
    return row.group(1) + " " + _text(row.group(2))


def _second_revision(proposal: Proposal, people, **changes: str) -> None:  # noqa: ANN001
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    content = {**proposal.current_revision.content, **changes}
    saved = proposal_services.save_proposal(
        proposal.id, people.staff_policy, content, proposal.version
    )
    proposal_services.submit_proposal(proposal.id, people.staff_policy, saved.proposal.version)


def test_sign_offs_still_to_come_wait_rather_than_fail(client_as, people):
    proposal = submitted_proposal(client_as, people)
    page = client_as("manager").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    row = _report_row(page, "SMP-APPROVALS")
    assert row.startswith("waiting") and "Waiting for sign-off" in row and "Fails" not in row
    assert "Fails" not in _text(page)
    assert "the sign-offs are still to come" in _text(page)
    # The proposer's own page says the same.
    mine = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert _report_row(mine, "SMP-APPROVALS").startswith("waiting")


def test_a_sign_off_that_cannot_count_still_fails(client_as, people, db):
    # The Policy DCE cannot sign a Community Engagement proposal: that is a fault, not a wait.
    from registry.signoffs.models import Signoff

    proposal = submitted_proposal(client_as, people)
    revision = proposal.current_revision
    db.session.add(
        Signoff(
            proposal_id=proposal.id,
            revision_number=revision.number,
            content_sha256=revision.content_sha256,
            decision="approve",
            office="dce",
            business_unit_id=people.community.id,
            acting=False,
            capacity="Deputy Chief Executive, Community Engagement",
            signer_id=people.dce_community.id,
            comment="",
        )
    )
    db.session.commit()
    page = client_as("manager").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    row = _report_row(page, "SMP-APPROVALS")
    assert row.startswith("fail") and "Fails" in row


def test_what_is_approved_comes_before_the_decision(client_as, people):
    proposal = submitted_proposal(client_as, people)
    page = client_as("ce").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    order = [
        page.index('id="section-1"'),
        page.index('id="policy-report-heading"'),
        page.index('id="signoff-status-heading"'),
        page.index('id="decision-heading"'),
    ]
    assert order == sorted(order)
    assert '<a href="#decision-heading">Go to your decision</a>' in page


def test_after_signing_only_what_is_left_is_offered(client_as, people):
    proposal = submitted_proposal(client_as, people)
    decide(client_as("manager"), proposal, capacity="manager-communications")
    page = client_as("manager").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    decision = page[page.index('id="decision-heading"') :]
    assert ">Approve</button>" not in decision
    assert "You have already signed off this revision as Manager Communications" in decision
    # Raising a problem is still possible, folded away behind its own summary.
    assert "<summary>Request changes or decline instead</summary>" in decision
    assert '<details class="disclosure">' in decision
    # A failed try opens it again with the error.
    again = decide(client_as("manager"), proposal, "decline", comment="")
    failed = again.get_data(as_text=True)
    assert '<details class="disclosure" open>' in failed
    assert "Give the reason for declining" in failed


def test_a_returning_signatory_sees_what_changed_since_they_decided(client_as, people):
    proposal = submitted_proposal(client_as, people)
    decide(client_as("ce"), proposal, "request-changes", comment="Sharpen the purpose.")
    _second_revision(proposal, people, purpose="A sharper purpose, as asked.")
    ce_page = client_as("ce").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    changes = _text(
        ce_page[
            ce_page.index('id="changes"') : ce_page.index(
                "</section>", ce_page.index('id="changes"')
            )
        ]
    )
    assert "What changed since revision 1, the one you last decided on" in changes
    assert "A sharper purpose, as asked." in changes
    assert "Channel name" not in changes  # only what changed
    # Someone who never decided sees the change since the revision decided on.
    manager = client_as("manager").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    assert "What changed since revision 1, the one last decided on" in manager
    # On a first revision there is nothing to compare.
    fresh = submitted_proposal(client_as, people, channel_name="Another channel", handle="another")
    first = client_as("ce").get(f"/proposals/{fresh.id}/signoff").get_data(as_text=True)
    assert 'id="changes"' not in first


def test_everyone_sees_who_is_acting_and_until_when(client_as, people):
    proposal = submitted_proposal(client_as, people)
    until = format_date(next(a for a in people.acting_ce.appointments if a.acting).ends_on)
    sentence = f"Sam Acting is Acting Chief Executive until {until}."
    for who in ("ce", "acting_ce", "manager", "dce_policy"):
        page = client_as(who).get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
        assert sentence in _text(page), who


def test_each_queue_says_who_else_can_sign(client_as, people):
    proposal = submitted_proposal(client_as, people)
    until = format_date(next(a for a in people.acting_ce.appointments if a.acting).ends_on)
    ce_queue = _text(client_as("ce").get("/signoffs/").get_data(as_text=True))
    assert proposal.title in ce_queue
    assert f"Sam Acting, Acting Chief Executive until {until}" in ce_queue
    acting_queue = _text(client_as("acting_ce").get("/signoffs/").get_data(as_text=True))
    assert "Priya Sharma, Chief Executive" in acting_queue
    # Nobody else holds the Manager Communications office.
    manager_queue = _text(client_as("manager").get("/signoffs/").get_data(as_text=True))
    assert "Only you" in manager_queue
    # Once the CE has signed, the acting CE has nothing waiting.
    decide(client_as("ce"), proposal, capacity="chief-executive")
    assert proposal.title not in _text(
        client_as("acting_ce").get("/signoffs/").get_data(as_text=True)
    )
