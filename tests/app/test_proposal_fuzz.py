"""Hypothesis: whatever is typed into any section of the proposal form, the answer is never a
500."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from registry.extensions import db
from registry.proposals.models import Proposal
from tests.proposal_data import good_form
from tests.workflow import SECTIONS, current_version

TARGET = "Fuzz target"

TEXT_FIELDS = [
    "channel_name",
    "platform",
    "platform_other",
    "handle",
    "channel_url",
    "business_unit",
    "purpose",
    "audience",
    "other_languages",
    "terms_of_use",
    "out_of_hours_message",
    "profile_statement",
    "profile_links",
    "no_related_reason",
    "liaison",
    "information_contact",
    "spokespeople",
    "peer_reviewers",
    "related_channels",
    "languages",
    "version",
    "monitoring_windows-0-weekday",
    "monitoring_windows-0-starts",
    "monitoring_windows-0-ends",
    "monitoring_windows-99-weekday",
    "action",
]

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "{{7*7}}",
            "<script>alert(1)</script>",
            "\x00\x01\x1b[31m",
            "9" * 40,
            "-1",
            "https://ethniccommunities.govt.nz.evil.example",
            "é" * 5000,
            "\u202e\u200b",
        ]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    section=st.sampled_from(SECTIONS),
    values=st.fixed_dictionaries({}, optional={name: hostile_text for name in TEXT_FIELDS}),
)
def test_hostile_input_never_gets_a_500(client_as, people, section, values):
    client = client_as("staff_policy")
    if section == "about":
        url, data = "/proposals/new", good_form(people, **values)
    else:
        draft = _draft(client, people)
        url = f"/proposals/{draft}/edit/{section}"
        data = good_form(people, **{"version": current_version(draft), **values})
    response = client.post(url, data=data)
    assert response.status_code in (200, 302, 409), response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    if response.status_code == 200 and data.get("action") == "save":
        assert "There is a problem" in page


def _draft(client, people) -> int:  # noqa: ANN001
    """A draft of Tama's whose other sections the examples type into (made once)."""
    found = db.session.scalar(select(Proposal.id).where(Proposal.channel_name == TARGET))
    if found is not None:
        return found
    started = {"channel_name": TARGET, "business_unit": str(people.policy.id)}
    response = client.post("/proposals/new", data=started)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(Proposal.id).where(Proposal.channel_name == TARGET))
