"""Races: many real connections deciding at once. Exactly one wins; the rest get 409."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from registry.audit.log import verify_chain
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import Signoff
from tests.workflow import decision_form, submitted_proposal

ATTEMPTS = 24


def race(clients, url: str, forms: list[dict]) -> Counter:  # noqa: ANN001
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(client, form) -> None:  # noqa: ANN001
        barrier.wait()
        status = client.post(url, data=form).status_code
        with lock:
            statuses.append(status)

    threads = [
        threading.Thread(target=attempt, args=(client, form))
        for client, form in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.rollback()  # the requests ran in other threads: read what they committed
    return Counter(statuses)


def test_many_tabs_approving_at_once_give_one_signoff(client_as, people):
    proposal = submitted_proposal(client_as, people)
    clients = [client_as("ce") for _ in range(ATTEMPTS)]
    form = decision_form(proposal, "approve", capacity="chief-executive")
    statuses = race(clients, f"/proposals/{proposal.id}/signoff", [form] * ATTEMPTS)
    print(f"\n{ATTEMPTS} parallel approvals by one person: {dict(statuses)}")
    assert statuses == Counter({302: 1, 409: ATTEMPTS - 1})
    assert db.session.scalar(select(func.count(Signoff.id))) == 1


def test_two_people_racing_for_one_capacity(client_as, people):
    proposal = submitted_proposal(client_as, people)
    half = ATTEMPTS // 2
    clients = [client_as("ce") for _ in range(half)] + [client_as("acting_ce") for _ in range(half)]
    form = decision_form(proposal, "approve", capacity="chief-executive")
    statuses = race(clients, f"/proposals/{proposal.id}/signoff", [form] * ATTEMPTS)
    print(f"\nCE and acting CE, {ATTEMPTS} parallel attempts: {dict(statuses)}")
    assert statuses[302] == 1 and statuses[409] == ATTEMPTS - 1
    assert db.session.scalar(select(func.count(Signoff.id))) == 1


def test_final_approval_racing_a_decline_never_loses_a_decision(client_as, people):
    proposal = submitted_proposal(client_as, people)
    for role, office in (("manager", "manager-communications"), ("dce_policy", "dce")):
        client = client_as(role)
        assert (
            client.post(
                f"/proposals/{proposal.id}/signoff",
                data=decision_form(proposal, "approve", capacity=office),
            ).status_code
            == 302
        )
    approve = decision_form(proposal, "approve", capacity="chief-executive")
    decline = decision_form(proposal, "decline", comment="Too late, no.")
    clients = [client_as("ce") for _ in range(ATTEMPTS // 2)] + [
        client_as("manager") for _ in range(ATTEMPTS // 2)
    ]
    forms = [approve] * (ATTEMPTS // 2) + [decline] * (ATTEMPTS // 2)
    statuses = race(clients, f"/proposals/{proposal.id}/signoff", forms)
    print(f"\nfinal approval vs decline, {ATTEMPTS} parallel attempts: {dict(statuses)}")
    assert statuses[302] == 1 and statuses[409] == ATTEMPTS - 1
    db.session.expire_all()
    state = db.session.get(Proposal, proposal.id).state_enum
    decisions = db.session.scalars(select(Signoff).order_by(Signoff.id)).all()
    assert len(decisions) == 3
    assert state in (ProposalState.APPROVED, ProposalState.DECLINED)
    assert (state is ProposalState.APPROVED) == (decisions[-1].decision == "approve")
    checked, broken = verify_chain()
    assert broken is None and checked > 0
