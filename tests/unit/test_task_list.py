"""The proposal's task list: which section each form field is on, and each section's status
read off the policy report (registry/proposals/task_list.py, pure Python)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from wtforms.fields.core import UnboundField

from registry.policy import RULES, RULES_BY_ID, Agency, Finding, ProposalContent, RuleResult
from registry.proposals.forms import ProposalForm
from registry.proposals.services import empty_content
from registry.proposals.task_list import (
    BY_SLUG,
    CONTENT_KEY,
    SECTIONS,
    Status,
    merged,
    section_of,
    status,
    statuses,
)

ABOUT, TERMS, PROFILE, PEOPLE, CONFIRMATION = (BY_SLUG[s.slug] for s in SECTIONS)


def complete_content() -> dict:
    """Stored content with every field a section asks for filled in."""
    content = empty_content(3)
    content.update(
        channel_name="MEC Pasifika Communities",
        platform="facebook",
        handle="MECPasifika",
        purpose="News and events.",
        audience="Pasifika communities.",
        languages=["English", "Samoan"],
        terms_of_use="Be kind. We monitor this page Monday, 9am to 5pm NZ time.",
        monitoring_windows=[{"weekday": 0, "starts": "09:00", "ends": "17:00"}],
        profile_statement="Supported by the Ministry for Ethnic Communities.",
        profile_links=["https://www.ethniccommunities.govt.nz/"],
        no_related_reason="The first of its kind.",
        liaison_id=4,
        spokespeople_ids=[5],
        peer_reviewer_ids=[6],
        information_contact_id=5,
        neutrality_confirmed=True,
    )
    return content


def report(*fields: str, rule: str = "SMP-TERMS") -> list[RuleResult]:
    """A report in which ``rule`` finds fault with each of ``fields``."""
    return [RuleResult(RULES_BY_ID[rule], tuple(Finding(f"Fix {f}.", f) for f in fields))]


def status_of(content: dict, findings: list[RuleResult]) -> dict[str, Status]:
    return {section.slug: found for section, found in statuses(content, findings)}


def test_the_five_sections_in_the_order_of_the_form():
    assert [s.slug for s in SECTIONS] == ["about", "terms", "profile", "people", "confirmation"]
    assert [s.title for s in SECTIONS] == [
        "About the channel",
        "Terms of use and monitoring",
        "Profile and links",
        "People",
        "Confirmation",
    ]


def test_every_form_field_is_on_exactly_one_sections_page():
    names = [
        name
        for name, value in vars(ProposalForm).items()
        if isinstance(value, UnboundField) and name != "version"
    ]
    on_pages = [name for section in SECTIONS for name in section.fields]
    assert sorted(on_pages) == sorted(names)
    assert all(set(s.asks) <= set(s.fields) for s in SECTIONS)


def test_the_sections_between_them_edit_all_of_a_proposals_content():
    keys = [key for section in SECTIONS for key in section.content_keys]
    assert sorted(keys) == sorted(empty_content(None))
    assert len(keys) == len(set(keys))  # each on one page only


def test_the_proposal_page_shows_each_section_as_the_form_has_it():
    from registry.proposals.presenters import SECTIONS as SHOWN

    assert len(SHOWN) == len(SECTIONS)
    for (title, rows), section in zip(SHOWN, SECTIONS, strict=True):
        assert str(title) == section.title
        assert {key for key, _label in rows} <= set(section.content_keys)


def test_every_finding_a_rule_reports_belongs_to_a_section_or_to_the_signoffs():
    found = [
        finding
        for result in [rule for rule in RULES]
        for finding in result.check(ProposalContent(), Agency())
    ]
    found += RULES_BY_ID["SMP-CHANNEL-URL"].check(
        replace(ProposalContent(), platform="facebook", channel_url="http://x.example"), Agency()
    )
    assert {f.field for f in found if section_of(f.field) is None} == {"signoffs"}
    assert {section_of(f.field).slug for f in found if f.field != "signoffs"} == {
        s.slug for s in SECTIONS
    }


def test_an_empty_proposal_is_not_started_anywhere_whatever_the_policy_says():
    content = empty_content(None)
    everything = report(*(name for section in SECTIONS for name in section.fields))
    assert set(status_of(content, everything).values()) == {Status.NOT_STARTED}


def test_a_section_filled_in_without_findings_is_complete():
    assert set(status_of(complete_content(), []).values()) == {Status.COMPLETE}


def test_a_finding_on_a_field_the_proposer_filled_in_needs_attention():
    content = complete_content()
    found = status_of(content, report("profile_links"))
    assert found["profile"] is Status.NEEDS_ATTENTION
    assert [slug for slug, s in found.items() if s is not Status.COMPLETE] == ["profile"]


def test_a_finding_on_a_field_still_empty_leaves_the_section_in_progress():
    content = complete_content() | {"no_related_reason": ""}
    assert status(PROFILE, content, report("related_channels")) is Status.IN_PROGRESS


def test_a_section_with_a_field_it_asks_for_still_empty_is_in_progress():
    content = complete_content() | {"audience": ""}  # no rule needs it; the section does
    assert status(ABOUT, content, []) is Status.IN_PROGRESS
    # Optional fields left empty do not hold a section back.
    optional = complete_content() | {"out_of_hours_message": "", "channel_url": ""}
    assert status(TERMS, optional, []) is Status.COMPLETE
    assert status(ABOUT, optional, []) is Status.COMPLETE


def test_needs_attention_wins_over_in_progress():
    content = complete_content() | {"peer_reviewer_ids": []}
    found = report("liaison", "peer_reviewers", rule="SMP-COMMS")
    assert status(PEOPLE, content, found) is Status.NEEDS_ATTENTION


def test_the_confirmation_is_not_started_until_ticked():
    content = complete_content() | {"neutrality_confirmed": False}
    assert status(CONFIRMATION, content, report("neutrality_confirmed")) is Status.NOT_STARTED
    assert status(CONFIRMATION, complete_content(), []) is Status.COMPLETE


def test_findings_on_the_signoffs_belong_to_no_section():
    found = report("signoffs", rule="SMP-APPROVALS")
    assert set(status_of(complete_content(), found).values()) == {Status.COMPLETE}


@pytest.mark.parametrize(
    ("field", "key", "value"),
    [
        ("other_languages", "languages", ["Fijian"]),
        ("business_unit", "business_unit_id", 3),
        ("spokespeople", "spokespeople_ids", [5]),
    ],
)
def test_a_field_stored_under_another_name_counts_as_filled(field, key, value):
    assert CONTENT_KEY[field] == key
    content = empty_content(None) | {key: value}
    assert status(section_of(field), content, []) is Status.IN_PROGRESS


def test_saving_one_section_leaves_the_others_as_they_were():
    saved = complete_content()
    typed = empty_content(None) | {"terms_of_use": "New terms.", "purpose": "Typed elsewhere."}
    after = merged(saved, typed, TERMS)
    assert after["terms_of_use"] == "New terms."
    assert after["monitoring_windows"] == [] and after["out_of_hours_message"] == ""
    assert {k: v for k, v in after.items() if k not in TERMS.content_keys} == {
        k: v for k, v in saved.items() if k not in TERMS.content_keys
    }
    assert after["purpose"] == "News and events."  # not this page's field: not taken
    assert saved["terms_of_use"] != "New terms."  # the saved content itself is not changed


def test_every_status_has_words_for_the_page():
    assert [s.label for s in Status] == [
        "Not started",
        "In progress",
        "Needs attention",
        "Complete",
    ]
