"""Many monitoring windows: up to 28 save and come back; more is refused at the field."""

from __future__ import annotations

import re

from registry.extensions import db
from registry.proposals.forms import MAX_WINDOWS
from registry.proposals.models import Proposal
from tests.proposal_data import good_form
from tests.workflow import fill_in, save_section


def windows(count: int) -> dict[str, str]:
    """``count`` distinct windows: each weekday split into four-hour blocks and so on."""
    form = {}
    for index in range(count):
        day, block = index % 7, index // 7
        form[f"monitoring_windows-{index}-weekday"] = str(day)
        form[f"monitoring_windows-{index}-starts"] = f"{block * 4:02d}:00"
        form[f"monitoring_windows-{index}-ends"] = f"{block * 4 + 3:02d}:30"
    return form


def form_with(people, count: int, **overrides) -> dict[str, object]:  # noqa: ANN001
    form = {k: v for k, v in good_form(people).items() if not k.startswith("monitoring_windows")}
    return {**form, **windows(count), **overrides}


def saved(response) -> Proposal:  # noqa: ANN001
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    proposal_id = int(re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1))
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def shown_windows(page: str) -> int:
    return len(re.findall(r'name="monitoring_windows-\d+-starts" [^>]*value="\d\d:\d\d"', page))


def test_27_and_28_windows_save_and_round_trip(client_as, people, db):
    client = client_as("staff_policy")
    for count in (27, MAX_WINDOWS):
        handle = f"MECPasifika{count}"
        proposal_id = fill_in(client, form_with(people, count, handle=handle))
        db.session.expire_all()
        proposal = db.session.get(Proposal, proposal_id)
        assert len(proposal.current_revision.content["monitoring_windows"]) == count
        page = client.get(f"/proposals/{proposal.id}/edit/terms").get_data(as_text=True)
        assert shown_windows(page) == count
        # Saved again unchanged from the form it was shown in: still every window.
        again = form_with(people, count, handle=handle, version=str(proposal.version))
        terms = f"/proposals/{proposal.id}/edit/terms"
        assert saved(client.post(terms, data=again)).id == proposal.id
        db.session.expire_all()
        assert len(proposal.current_revision.content["monitoring_windows"]) == count


def test_adding_a_row_after_28_windows_keeps_them(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people), sections=["about"])
    response = save_section(
        client, proposal_id, "terms", form_with(people, 28, action="add_window")
    )
    assert response.status_code == 200
    assert shown_windows(response.get_data(as_text=True)) == 28


def test_29_windows_are_refused_at_the_field_and_kept(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people), sections=["about"])
    before = db.session.get(Proposal, proposal_id).version
    response = save_section(
        client, proposal_id, "terms", form_with(people, 29, out_of_hours_message="Kept")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "List at most 28 monitoring windows." in page
    assert 'href="#monitoring_windows"' in page  # in the error summary, linked to the field
    assert shown_windows(page) == 29  # nothing typed was dropped
    assert "Kept</textarea>" in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).version == before  # nothing saved
