"""The policy rule table: every rule passes on a good proposal, and each way of breaking it is
reported with a message that says what to fix.

Each negative test changes one thing in ``good_content()`` (with dataclasses.replace), so a
failure points at exactly that thing.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.policy import (
    PLATFORMS,
    RULES,
    RULES_BY_ID,
    SUBMISSION_RULES,
    Agency,
    Finding,
    MonitoringWindow,
    Person,
    ProposalContent,
    RelatedChannel,
    RuleResult,
    SignoffFact,
    check,
    failing,
    monitoring_statement,
    supported_by_sentence,
)

ROOT = Path(__file__).resolve().parents[2]
AGENCY = Agency()
FORM_FIELDS = {
    "channel_name",
    "platform",
    "platform_other",
    "handle",
    "channel_url",
    "business_unit",
    "purpose",
    "audience",
    "languages",
    "terms_of_use",
    "monitoring_windows",
    "out_of_hours_message",
    "profile_statement",
    "profile_links",
    "related_channels",
    "no_related_reason",
    "liaison",
    "spokespeople",
    "peer_reviewers",
    "information_contact",
    "neutrality_confirmed",
    "signoffs",
}

UNIT = 10
COMMS = Person(1, "Aroha Ngata", in_communications_team=True)
SPEAKER = Person(2, "Sam Patel")
REVIEWER = Person(3, "Rita Singh")
INFO = Person(4, "Olly Wen")
PROPOSER = Person(5, "Tama Rāwiri")
MANAGER_SIGNS = SignoffFact("manager-communications", 20, "Mere Manager")
DCE_SIGNS = SignoffFact("dce", 21, "Daniel Chen", business_unit_id=UNIT)
CE_SIGNS = SignoffFact("chief-executive", 22, "Chris Exec")


def window(day: int, starts: str, ends: str) -> MonitoringWindow:
    return MonitoringWindow(day, time.fromisoformat(starts), time.fromisoformat(ends))


WEEKDAY_HOURS = tuple(window(day, "08:30", "17:00") for day in range(5))


def good_content() -> ProposalContent:
    """A proposal that passes every rule, including sign-off."""
    return ProposalContent(
        channel_name="Ethnic Communities Aotearoa",
        platform="facebook",
        handle="EthnicCommunitiesNZ",
        channel_url="https://www.facebook.com/EthnicCommunitiesNZ",
        business_unit_id=UNIT,
        purpose="Share funding rounds and events with ethnic community groups.",
        audience="Ethnic community organisations in Aotearoa New Zealand.",
        languages=("English", "te reo Māori", "Hindi"),
        terms_of_use=(
            "Be respectful. We remove abusive, discriminatory or off-topic comments. "
            + monitoring_statement(WEEKDAY_HOURS)
        ),
        monitoring_windows=WEEKDAY_HOURS,
        out_of_hours_message="Thanks for your message. We will reply when we are next online.",
        profile_statement="News and events. " + supported_by_sentence(AGENCY),
        profile_links=("https://www.ethniccommunities.govt.nz/funding",),
        related_channels=(RelatedChannel(7, "MEC on LinkedIn", active=True),),
        liaison=COMMS,
        spokespeople=(SPEAKER,),
        peer_reviewers=(REVIEWER,),
        information_contact=INFO,
        neutrality_confirmed=True,
        proposer=PROPOSER,
        signoffs=(MANAGER_SIGNS, DCE_SIGNS, CE_SIGNS),
    )


def findings(rule_id: str, content: ProposalContent, agency: Agency = AGENCY) -> list[Finding]:
    return RULES_BY_ID[rule_id].check(content, agency)


def messages(rule_id: str, content: ProposalContent, agency: Agency = AGENCY) -> list[str]:
    return [finding.message for finding in findings(rule_id, content, agency)]


def passes(rule_id: str, content: ProposalContent, agency: Agency = AGENCY) -> bool:
    return findings(rule_id, content, agency) == []


# --- The table -----------------------------------------------------------------------------


def test_good_content_passes_every_rule() -> None:
    assert failing(check(good_content(), Agency())) == []
    assert failing(check(good_content(), Agency(), RULES)) == []


def test_rule_table_order() -> None:
    assert [rule.id for rule in RULES] == [
        "SMP-APPROVALS",
        "SMP-CHANNEL-URL",
        "SMP-TERMS",
        "SMP-HOURS",
        "SMP-SUPPORTED-BY",
        "SMP-WEBSITE-LINK",
        "SMP-RELATED-LINKS",
        "SMP-COMMS",
        "SMP-SPOKESPEOPLE",
        "SMP-PEER-REVIEW",
        "SMP-OIA",
        "SMP-NEUTRAL",
    ]
    assert [r.id for r in SUBMISSION_RULES] == [r.id for r in RULES if r.id != "SMP-APPROVALS"]
    assert list(RULES_BY_ID) == [rule.id for rule in RULES]


def test_every_rule_quotes_its_clause() -> None:
    for rule in RULES:
        assert rule.title and rule.heading and rule.clause
        assert rule.clause.endswith(".")
    assert RULES_BY_ID["SMP-APPROVALS"].clause == (
        "Any new MEC social media presence requires the express permission of the Manager"
        " Communications, the relevant business unit DCE and the Chief Executive."
    )
    assert RULES_BY_ID["SMP-HOURS"].heading == "Setting up a social media presence/channel"
    assert RULES_BY_ID["SMP-PEER-REVIEW"].heading == "Posting"


def test_check_gives_one_result_per_rule_in_table_order() -> None:
    results = check(ProposalContent(), AGENCY, tuple(reversed(RULES)))
    assert [result.rule.id for result in results] == [rule.id for rule in RULES]
    assert all(isinstance(result, RuleResult) for result in results)
    assert [result.rule for result in check(good_content(), AGENCY)] == list(SUBMISSION_RULES)


def test_failing_keeps_only_failed_results() -> None:
    content = replace(good_content(), neutrality_confirmed=False, liaison=None)
    failed = failing(check(content, AGENCY))
    assert [result.rule.id for result in failed] == ["SMP-COMMS", "SMP-NEUTRAL"]
    assert not any(result.passed for result in failed)


def test_an_empty_proposal_fails_every_rule_with_form_field_names() -> None:
    results = check(ProposalContent(), AGENCY, RULES)
    # The Channel URL may wait until the account exists; going live asks for it.
    assert failing(results) == [r for r in results if r.rule.id != "SMP-CHANNEL-URL"]
    for result in results:
        for finding in result.findings:
            assert finding.field in FORM_FIELDS
            assert finding.message[0].isupper() or finding.message[0] == "“"
            assert finding.message.rstrip("”").endswith(".")


# --- SMP-APPROVALS -------------------------------------------------------------------------


def test_approvals_in_any_order_and_acting_counts() -> None:
    acting_ce = SignoffFact("chief-executive", 23, "Ana Acting", acting=True)
    content = replace(good_content(), signoffs=(acting_ce, DCE_SIGNS, MANAGER_SIGNS))
    assert passes("SMP-APPROVALS", content)


@pytest.mark.parametrize(
    ("left_out", "message"),
    [
        (MANAGER_SIGNS, "The Manager Communications has not signed off yet."),
        (DCE_SIGNS, "The business unit DCE has not signed off yet."),
        (CE_SIGNS, "The Chief Executive has not signed off yet."),
    ],
)
def test_each_missing_signoff_is_named(left_out: SignoffFact, message: str) -> None:
    signoffs = tuple(s for s in good_content().signoffs if s != left_out)
    assert messages("SMP-APPROVALS", replace(good_content(), signoffs=signoffs)) == [message]


def test_no_signoffs_lists_all_three() -> None:
    assert messages("SMP-APPROVALS", replace(good_content(), signoffs=())) == [
        "The Manager Communications has not signed off yet.",
        "The business unit DCE has not signed off yet.",
        "The Chief Executive has not signed off yet.",
    ]


def test_one_person_cannot_give_two_signoffs() -> None:
    dce_acting_ce = SignoffFact("chief-executive", DCE_SIGNS.signer_id, "Daniel Chen", acting=True)
    content = replace(good_content(), signoffs=(MANAGER_SIGNS, DCE_SIGNS, dce_acting_ce))
    found = messages("SMP-APPROVALS", content)
    assert any(
        m.startswith("One person (Daniel Chen) cannot give two of the three sign-offs.")
        for m in found
    )
    assert "The Chief Executive has not signed off yet." in found
    assert all(f.field == "signoffs" for f in findings("SMP-APPROVALS", content))


def _approvals_result(content: ProposalContent) -> RuleResult:
    return check(content, AGENCY, [RULES_BY_ID["SMP-APPROVALS"]])[0]


def test_sign_offs_still_to_come_wait_and_a_wrong_one_fails() -> None:
    # Missing sign-offs are a step still to come: not passed, but nothing to fix.
    waiting = _approvals_result(replace(good_content(), signoffs=(MANAGER_SIGNS,)))
    assert not waiting.passed and waiting.waiting
    # One person in two offices is a fault, even though a sign-off is also still missing.
    dce_acting_ce = SignoffFact("chief-executive", DCE_SIGNS.signer_id, "Daniel Chen", acting=True)
    doubled = _approvals_result(
        replace(good_content(), signoffs=(MANAGER_SIGNS, DCE_SIGNS, dce_acting_ce))
    )
    assert not doubled.passed and not doubled.waiting
    complete = _approvals_result(good_content())
    assert complete.passed and not complete.waiting


def test_proposer_cannot_sign_off_their_own_proposal() -> None:
    proposer_as_ce = SignoffFact("chief-executive", PROPOSER.id, PROPOSER.name)
    content = replace(good_content(), signoffs=(MANAGER_SIGNS, DCE_SIGNS, proposer_as_ce))
    found = messages("SMP-APPROVALS", content)
    assert any(m.startswith("The proposer cannot sign off their own proposal.") for m in found)
    assert "The Chief Executive has not signed off yet." in found


def test_proposer_signoff_fails_even_with_three_other_signoffs() -> None:
    proposer_as_dce = SignoffFact("dce", PROPOSER.id, PROPOSER.name, business_unit_id=UNIT)
    content = replace(good_content(), signoffs=(*good_content().signoffs, proposer_as_dce))
    assert not passes("SMP-APPROVALS", content)


def test_dce_of_another_business_unit_does_not_count() -> None:
    other_dce = SignoffFact("dce", 30, "Priya Other", business_unit_id=UNIT + 1)
    content = replace(good_content(), signoffs=(MANAGER_SIGNS, other_dce, CE_SIGNS))
    found = messages("SMP-APPROVALS", content)
    assert any("Priya Other signed off as DCE of a different business unit" in m for m in found)
    assert "The business unit DCE has not signed off yet." in found


def test_no_dce_counts_without_a_business_unit() -> None:
    content = replace(good_content(), business_unit_id=None)
    assert "The business unit DCE has not signed off yet." in messages("SMP-APPROVALS", content)


def test_unknown_offices_are_ignored() -> None:
    stray = SignoffFact("admin", 40, "Adam Admin")
    content = replace(good_content(), signoffs=(MANAGER_SIGNS, DCE_SIGNS, stray))
    assert messages("SMP-APPROVALS", content) == ["The Chief Executive has not signed off yet."]


def test_person_who_signed_twice_is_matched_to_the_office_nobody_else_filled() -> None:
    # Daniel signed as DCE and as acting Manager Communications; Chris signed as CE and as
    # Manager Communications. A distinct person per office exists: Chris for Manager
    # Communications would leave the CE empty, so the matching must look further.
    content = replace(
        good_content(),
        signoffs=(
            SignoffFact("manager-communications", CE_SIGNS.signer_id, CE_SIGNS.signer_name),
            CE_SIGNS,
            DCE_SIGNS,
            SignoffFact("manager-communications", DCE_SIGNS.signer_id, "Daniel Chen"),
            MANAGER_SIGNS,
        ),
    )
    assert passes("SMP-APPROVALS", content)


# --- SMP-TERMS -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "terms",
    ["", "   ", "\n\t\r", "\u00a0\u2003\u3000", "\u200b\u200c\u200d\u2060\ufeff", "\u2800\u3164"],
)
def test_blank_terms_fail(terms: str) -> None:
    found = findings("SMP-TERMS", replace(good_content(), terms_of_use=terms))
    assert [f.field for f in found] == ["terms_of_use"]
    assert found[0].message.startswith("Write the terms of use people will see on the channel")


def test_terms_must_be_at_least_twenty_visible_characters() -> None:
    nineteen = "Be-kind-to-others!!"
    assert len(nineteen) == 19
    found = messages("SMP-TERMS", replace(good_content(), terms_of_use=nineteen))
    assert len(found) == 1 and "19 characters" in found[0] and "at least 20" in found[0]
    padded = " \u200b ".join("Be kind to others!")
    assert not passes("SMP-TERMS", replace(good_content(), terms_of_use=padded))
    assert passes("SMP-TERMS", replace(good_content(), terms_of_use=nineteen + "!"))


# --- SMP-HOURS -----------------------------------------------------------------------------


def with_hours(*windows: MonitoringWindow, terms: str | None = None) -> ProposalContent:
    """Good content with these windows and terms that state them (unless terms are given)."""
    if terms is None:
        terms = "Be respectful. " + monitoring_statement(windows)
    return replace(good_content(), monitoring_windows=windows, terms_of_use=terms)


def test_hours_need_at_least_one_window() -> None:
    found = findings("SMP-HOURS", with_hours())
    assert [f.field for f in found] == ["monitoring_windows"]
    assert "Add at least one weekly monitoring window" in found[0].message


@pytest.mark.parametrize("weekday", [-1, 7, 99])
def test_window_day_must_be_monday_to_sunday(weekday: int) -> None:
    content = with_hours(window(0, "09:00", "17:00"), MonitoringWindow(weekday, time(9), time(17)))
    assert messages("SMP-HOURS", content) == [
        "Monitoring window 2 has no valid day: choose a day from Monday to Sunday."
    ]


def test_zero_length_window_fails() -> None:
    assert messages("SMP-HOURS", with_hours(window(2, "09:00", "09:00"))) == [
        "The Wednesday monitoring window starts and ends at 9:00am: make it end after it starts."
    ]


def test_inverted_window_fails() -> None:
    [message] = messages("SMP-HOURS", with_hours(window(0, "17:00", "09:00")))
    assert "The Monday monitoring window from 5:00pm to 9:00am ends before it starts." in message


def test_overnight_window_says_to_split_it_at_midnight() -> None:
    [message] = messages("SMP-HOURS", with_hours(window(4, "22:00", "02:00")))
    assert "split it at midnight" in message
    assert "end the Friday window at 11:59pm" in message
    assert "add a Saturday window from 12:00am to 2:00am" in message


def test_overnight_from_sunday_continues_on_monday() -> None:
    [message] = messages("SMP-HOURS", with_hours(window(6, "20:00", "01:00")))
    assert "add a Monday window from 12:00am to 1:00am" in message


def test_window_ending_at_midnight_should_end_at_1159pm() -> None:
    [message] = messages("SMP-HOURS", with_hours(window(3, "18:00", "00:00")))
    assert "end it at 11:59pm instead" in message


def test_split_overnight_window_passes() -> None:
    content = with_hours(window(4, "22:00", "23:59"), window(5, "00:00", "02:00"))
    assert passes("SMP-HOURS", content)


def test_overlapping_windows_on_the_same_day_fail() -> None:
    content = with_hours(window(0, "09:00", "12:00"), window(0, "11:00", "13:00"))
    assert messages("SMP-HOURS", content) == [
        "On Monday, the monitoring windows 9:00am to 12:00pm and 11:00am to 1:00pm overlap:"
        " change the times so they do not overlap, or combine them into one window."
    ]


def test_a_window_inside_another_overlaps() -> None:
    content = with_hours(window(1, "13:00", "14:00"), window(1, "08:00", "18:00"))
    [message] = messages("SMP-HOURS", content)
    assert "On Tuesday, the monitoring windows 8:00am to 6:00pm and 1:00pm to 2:00pm overlap" in (
        message
    )


def test_the_same_window_twice_fails() -> None:
    content = with_hours(window(5, "10:00", "14:00"), window(5, "10:00", "14:00"))
    assert messages("SMP-HOURS", content) == [
        "On Saturday, the monitoring window 10:00am to 2:00pm is listed twice: remove one of them."
    ]


def test_touching_windows_and_same_times_on_different_days_pass() -> None:
    content = with_hours(
        window(0, "09:00", "12:00"),
        window(0, "12:00", "17:00"),
        window(1, "09:00", "12:00"),
    )
    assert passes("SMP-HOURS", content)


def test_terms_with_the_inserted_statement_pass() -> None:
    content = with_hours(*WEEKDAY_HOURS)
    assert passes("SMP-HOURS", content)


def test_terms_fail_when_hours_change_after_inserting_the_statement() -> None:
    changed = (*WEEKDAY_HOURS[:4], window(4, "08:30", "16:00"))
    content = replace(good_content(), monitoring_windows=changed)
    found = findings("SMP-HOURS", content)
    assert found == [
        Finding(
            "Your terms of use do not state your monitoring hours. Add them, or use “Insert"
            " monitoring hours statement”.",
            "terms_of_use",
        )
    ]


def test_terms_fail_when_a_day_is_added_after_inserting_the_statement() -> None:
    content = replace(
        good_content(), monitoring_windows=(*WEEKDAY_HOURS, window(5, "10:00", "12:00"))
    )
    assert [f.field for f in findings("SMP-HOURS", content)] == ["terms_of_use"]


@pytest.mark.parametrize(
    "terms",
    [
        "We check this page Monday to Friday from 8:30am to 5pm and reply within a day.",
        "Monitored Mon–Fri, 08:30–17:00 (NZ time). Please be respectful.",
        "Hours: Monday - Friday, 8.30 a.m. to 5 p.m. Please be respectful to others.",
    ],
)
def test_hand_written_terms_that_state_the_hours_pass(terms: str) -> None:
    assert passes("SMP-HOURS", with_hours(*WEEKDAY_HOURS, terms=terms))


@pytest.mark.parametrize(
    "terms",
    [
        "We check this page during business hours and reply within a day.",
        "We check this page Monday to Thursday from 8:30am to 5pm.",
        "We check this page Monday to Friday from 9am to 5pm.",
        "",
    ],
)
def test_hand_written_terms_that_miss_the_hours_fail(terms: str) -> None:
    found = findings("SMP-HOURS", with_hours(*WEEKDAY_HOURS, terms=terms))
    assert [f.field for f in found] == ["terms_of_use"]


def test_invalid_windows_are_left_out_of_the_stated_hours_check() -> None:
    content = with_hours(window(0, "09:00", "17:00"))
    content = replace(
        content, monitoring_windows=(*content.monitoring_windows, window(1, "17:00", "09:00"))
    )
    assert [f.field for f in findings("SMP-HOURS", content)] == ["monitoring_windows"]


# --- SMP-SUPPORTED-BY ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "This channel is supported by the Ministry for Ethnic Communities.",
        "Supported by Te Tari Mātāwaka.",
        "Supported by Te Tari Matawaka.",
        "SUPPORTED BY TE TARI MĀTĀWAKA",
        "Supported by the ministry  for\nethnic\u00a0communities.",
        "Supported by Te\u00a0Tari\tMa\u0304ta\u0304waka",
        "Tautoko: Te Tari Mātāwaka",
    ],
)
def test_statement_naming_the_agency_passes(statement: str) -> None:
    assert passes("SMP-SUPPORTED-BY", replace(good_content(), profile_statement=statement))


@pytest.mark.parametrize(
    "statement",
    [
        "Supported by the Ministry for Ethnic",
        "Supported by Te Tari.",
        "Supported by the Ministry for Ethnic Communitiesx.",
        "Supported by MEC.",
    ],
)
def test_statement_not_naming_the_agency_fails(statement: str) -> None:
    found = findings("SMP-SUPPORTED-BY", replace(good_content(), profile_statement=statement))
    assert len(found) == 1 and found[0].field == "profile_statement"
    assert "does not name “Ministry for Ethnic Communities” or “Te Tari Mātāwaka”" in (
        found[0].message
    )
    assert (
        "“This channel is supported by the Ministry for Ethnic Communities | Te Tari Mātāwaka.”"
        in found[0].message
    )


@pytest.mark.parametrize("statement", ["", "  \n ", "\u200b\u00a0"])
def test_blank_statement_fails_with_the_suggested_sentence(statement: str) -> None:
    [message] = messages("SMP-SUPPORTED-BY", replace(good_content(), profile_statement=statement))
    assert message.startswith("Write a profile statement")
    assert (
        "This channel is supported by the Ministry for Ethnic Communities | Te Tari Mātāwaka."
        in message
    )


def test_supported_by_uses_the_configured_agency() -> None:
    agency = Agency(name="Department of Examples", te_reo_name="Te Tari Tauira")
    assert supported_by_sentence(agency) == (
        "This channel is supported by the Department of Examples | Te Tari Tauira."
    )
    content = replace(good_content(), profile_statement="Supported by Te Tari Tauira")
    assert passes("SMP-SUPPORTED-BY", content, agency)
    assert not passes("SMP-SUPPORTED-BY", good_content(), agency)
    assert supported_by_sentence(Agency(name="Te Puni Kōkiri", te_reo_name="")) == (
        "This channel is supported by Te Puni Kōkiri."
    )


# --- SMP-WEBSITE-LINK ----------------------------------------------------------------------


def with_links(*links: str) -> ProposalContent:
    return replace(good_content(), profile_links=links)


@pytest.mark.parametrize(
    "link",
    [
        "https://ethniccommunities.govt.nz",
        "https://www.ethniccommunities.govt.nz/",
        "https://ethniccommunities.govt.nz./about?x=1#top",
        "HTTPS://EthnicCommunities.GOVT.NZ/funding",
        "https://ethniccommunities.govt.nz:443/",
        "  https://ethniccommunities.govt.nz  ",
    ],
)
def test_https_link_to_the_agency_site_passes(link: str) -> None:
    assert passes("SMP-WEBSITE-LINK", with_links("https://www.facebook.com/x", link))


@pytest.mark.parametrize(
    ("link", "says"),
    [
        (
            "https://ethniccommunities.govt.nz.evil.example",
            "goes to ethniccommunities.govt.nz.evil.example, not ethniccommunities.govt.nz",
        ),
        (
            "https://evilethniccommunities.govt.nz",
            "goes to evilethniccommunities.govt.nz, not ethniccommunities.govt.nz",
        ),
        ("https://ethniccommunities.govt.nz@evil.example/", "hides the real site, evil.example"),
        ("http://ethniccommunities.govt.nz", "use https: “https://ethniccommunities.govt.nz”"),
        ("http://www.ethniccommunities.govt.nz/about", "use https"),
        ("javascript:alert('ethniccommunities.govt.nz')", "is not a web address"),
        (
            "ethniccommunities.govt.nz",
            "Add https:// to the start of “ethniccommunities.govt.nz”",
        ),
        ("www.ethniccommunities.govt.nz/about", "“https://www.ethniccommunities.govt.nz/about”"),
        ("//ethniccommunities.govt.nz", "“https://ethniccommunities.govt.nz”"),
        ("https:/ethniccommunities.govt.nz", "“https://ethniccommunities.govt.nz”"),
        ("https://ethniccommunities.govt.nz\\@evil.example", "is not a web address"),
        ("https://ethnic communities.govt.nz", "is not a web address"),
        ("https://ethniccommunities.govt.nz\u200b.evil.example", "is not a web address"),
    ],
)
def test_links_that_only_look_like_the_agency_site_fail(link: str, says: str) -> None:
    found = findings("SMP-WEBSITE-LINK", with_links(link))
    assert found, link
    assert all(f.field == "profile_links" for f in found)
    assert any(says in f.message for f in found), [f.message for f in found]


def test_no_links_asks_for_the_agency_link() -> None:
    assert messages("SMP-WEBSITE-LINK", with_links()) == [
        "Add a link to https://ethniccommunities.govt.nz to the Profile links."
    ]
    assert messages("SMP-WEBSITE-LINK", with_links("https://www.facebook.com/x", " ")) == [
        "Add a link to https://ethniccommunities.govt.nz to the Profile links."
    ]


def test_garbage_links_are_reported_even_beside_a_good_link() -> None:
    content = with_links("https://ethniccommunities.govt.nz", "not a link", "ftp://example.com")
    assert messages("SMP-WEBSITE-LINK", content) == [
        "“not a link” in the Profile links is not a web address. Use a full address starting"
        " with https://, or remove it.",
        "“ftp://example.com” in the Profile links is not a web address. Use a full address"
        " starting with https://, or remove it.",
    ]


def test_lookalike_beside_a_good_link_is_still_reported() -> None:
    content = with_links(
        "https://ethniccommunities.govt.nz", "https://ethniccommunities.govt.nz.co"
    )
    assert not passes("SMP-WEBSITE-LINK", content)


def test_other_http_links_are_fine() -> None:
    content = with_links("https://ethniccommunities.govt.nz", "http://example.com/page")
    assert passes("SMP-WEBSITE-LINK", content)


def test_huge_links_are_not_echoed_in_full() -> None:
    [message] = messages(
        "SMP-WEBSITE-LINK", with_links("https://ethniccommunities.govt.nz", "x" * 10_000)
    )
    assert len(message) < 200
    assert "…" in message


def test_website_link_uses_the_configured_domain() -> None:
    agency = Agency(domain="mātauranga.govt.nz")
    punycode = "mātauranga".encode("idna").decode("ascii")
    assert passes("SMP-WEBSITE-LINK", with_links("https://mātauranga.govt.nz/"), agency)
    assert passes("SMP-WEBSITE-LINK", with_links(f"https://www.{punycode}.govt.nz/"), agency)
    assert messages("SMP-WEBSITE-LINK", good_content(), agency) == [
        f"Add a link to https://{punycode}.govt.nz to the Profile links."
    ]


# --- SMP-RELATED-LINKS ---------------------------------------------------------------------

OLD_PAGE = RelatedChannel(8, "Old community page", active=False)


def test_a_stated_reason_passes_without_related_channels() -> None:
    content = replace(
        good_content(),
        related_channels=(),
        no_related_reason="This is our first channel; none of the others exist yet.",
    )
    assert passes("SMP-RELATED-LINKS", content)


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u200b"])
def test_no_related_channel_and_no_reason_fails(reason: str) -> None:
    content = replace(good_content(), related_channels=(), no_related_reason=reason)
    found = findings("SMP-RELATED-LINKS", content)
    assert [f.field for f in found] == ["related_channels"]
    assert "Select at least one active channel under Related channels" in found[0].message


@pytest.mark.parametrize("reason", ["n/a", "none", "  no  reason "])
def test_a_token_reason_fails(reason: str) -> None:
    content = replace(good_content(), related_channels=(), no_related_reason=reason)
    found = findings("SMP-RELATED-LINKS", content)
    assert [f.field for f in found] == ["no_related_reason"]


def test_an_inactive_related_channel_is_named() -> None:
    content = replace(good_content(), related_channels=(OLD_PAGE,))
    found = messages("SMP-RELATED-LINKS", content)
    assert found[0] == (
        "“Old community page” is no longer an active channel: remove it from Related channels."
    )
    assert len(found) == 2


def test_an_inactive_related_channel_fails_even_beside_an_active_one() -> None:
    content = replace(good_content(), related_channels=(*good_content().related_channels, OLD_PAGE))
    assert messages("SMP-RELATED-LINKS", content) == [
        "“Old community page” is no longer an active channel: remove it from Related channels."
    ]


# --- SMP-COMMS -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("liaison", "message"),
    [
        (None, "Choose a Communications liaison"),
        (replace(COMMS, active=False), "Aroha Ngata is no longer an active user"),
        (replace(COMMS, in_communications_team=False), "Aroha Ngata is not in the Communications"),
    ],
)
def test_communications_liaison(liaison: Person | None, message: str) -> None:
    found = findings("SMP-COMMS", replace(good_content(), liaison=liaison))
    assert len(found) == 1 and found[0].field == "liaison"
    assert found[0].message.startswith(message)


# --- SMP-SPOKESPEOPLE ----------------------------------------------------------------------


def test_at_least_one_spokesperson() -> None:
    found = findings("SMP-SPOKESPEOPLE", replace(good_content(), spokespeople=()))
    assert [f.field for f in found] == ["spokespeople"]
    assert found[0].message.startswith("Name at least one person under Authorised spokespeople")


def test_inactive_spokespeople_are_named() -> None:
    gone = Person(9, "Gone Person", active=False)
    content = replace(good_content(), spokespeople=(SPEAKER, gone))
    assert messages("SMP-SPOKESPEOPLE", content) == [
        "Gone Person is no longer an active user: remove them from Authorised spokespeople or"
        " choose someone else."
    ]


# --- SMP-PEER-REVIEW -----------------------------------------------------------------------


def test_at_least_one_peer_reviewer() -> None:
    found = findings("SMP-PEER-REVIEW", replace(good_content(), peer_reviewers=()))
    assert [f.field for f in found] == ["peer_reviewers"]


def test_inactive_reviewers_are_named() -> None:
    gone = Person(9, "Gone Person", active=False)
    content = replace(good_content(), peer_reviewers=(REVIEWER, gone))
    assert messages("SMP-PEER-REVIEW", content) == [
        "Gone Person is no longer an active user: remove them from Peer reviewers or choose"
        " someone else."
    ]


def test_the_only_spokesperson_cannot_be_the_only_reviewer() -> None:
    content = replace(good_content(), peer_reviewers=(SPEAKER,))
    assert messages("SMP-PEER-REVIEW", content) == [
        "Nobody could review posts by Sam Patel: add a peer reviewer other than Sam Patel."
    ]


def test_each_spokesperson_needs_someone_else_to_review() -> None:
    other = Person(6, "Hemi Walker")
    content = replace(good_content(), spokespeople=(SPEAKER, other), peer_reviewers=(SPEAKER,))
    assert messages("SMP-PEER-REVIEW", content) == [
        "Nobody could review posts by Sam Patel: add a peer reviewer other than Sam Patel."
    ]
    content = replace(content, peer_reviewers=(SPEAKER, other))
    assert passes("SMP-PEER-REVIEW", content)


def test_inactive_reviewer_does_not_count_as_someone_else() -> None:
    content = replace(good_content(), peer_reviewers=(SPEAKER, replace(REVIEWER, active=False)))
    found = messages("SMP-PEER-REVIEW", content)
    assert any(m.startswith("Rita Singh is no longer an active user") for m in found)
    assert any(m.startswith("Nobody could review posts by Sam Patel") for m in found)


# --- SMP-OIA and SMP-NEUTRAL ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        (None, "Choose an Information requests contact"),
        (replace(INFO, active=False), "Olly Wen is no longer an active user"),
    ],
)
def test_information_requests_contact(contact: Person | None, message: str) -> None:
    found = findings("SMP-OIA", replace(good_content(), information_contact=contact))
    assert len(found) == 1 and found[0].field == "information_contact"
    assert found[0].message.startswith(message)


def test_neutrality_must_be_confirmed() -> None:
    found = findings("SMP-NEUTRAL", replace(good_content(), neutrality_confirmed=False))
    assert [f.field for f in found] == ["neutrality_confirmed"]
    assert found[0].message.startswith(
        "Tick “I confirm political and commercial neutrality, privacy and copyright”"
    )


# --- Messages never echo huge input ----------------------------------------------------------


def test_long_names_are_shortened_in_messages() -> None:
    long_name = "N" * 5000
    content = replace(
        good_content(),
        liaison=Person(1, long_name, active=False),
        related_channels=(RelatedChannel(8, long_name, active=False),),
        signoffs=(
            MANAGER_SIGNS,
            SignoffFact("dce", 50, long_name, business_unit_id=UNIT),
            SignoffFact("chief-executive", 50, long_name),
        ),
    )
    for result in check(content, AGENCY, RULES):
        for finding in result.findings:
            assert len(finding.message) < 400, finding.message


# --- Purity and robustness -----------------------------------------------------------------


def test_policy_package_imports_no_web_or_database_code() -> None:
    # registry/__init__.py is the Flask app factory, so importing registry.policy the normal
    # way would pull Flask in through the parent package. A bare stand-in parent package
    # shows what the policy package itself needs.
    code = (
        "import sys, types\n"
        "package = types.ModuleType('registry')\n"
        "package.__path__ = ['registry']\n"
        "sys.modules['registry'] = package\n"
        "import registry.policy, registry.policy.rules, registry.policy.hours\n"
        "import registry.policy.platforms, registry.policy.content\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m.startswith(('flask', 'sqlalchemy', 'werkzeug', 'jinja2')))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_policy_sources_import_only_the_standard_library() -> None:
    for source in (ROOT / "registry" / "policy").rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert (
                    module.startswith("registry.policy")
                    or top == "__future__"
                    or top in sys.stdlib_module_names
                ), f"{source.name} imports {module}"


TEXT = st.text(max_size=300)
PEOPLE = st.builds(
    Person,
    id=st.integers(1, 6),
    name=TEXT,
    active=st.booleans(),
    in_communications_team=st.booleans(),
)
WINDOWS = st.builds(
    MonitoringWindow, weekday=st.integers(-2, 9), starts=st.times(), ends=st.times()
)
LINKS = st.one_of(TEXT, TEXT.map(lambda s: "https://" + s), TEXT.map(lambda s: "http://" + s))
SIGNOFFS = st.builds(
    SignoffFact,
    office=st.one_of(st.sampled_from(["manager-communications", "dce", "chief-executive"]), TEXT),
    signer_id=st.integers(1, 6),
    signer_name=TEXT,
    acting=st.booleans(),
    business_unit_id=st.one_of(st.none(), st.integers(1, 3)),
)


def tuples(elements: st.SearchStrategy, max_size: int = 5) -> st.SearchStrategy:
    return st.lists(elements, max_size=max_size).map(tuple)


@settings(max_examples=300, deadline=None)
@given(
    content=st.builds(
        ProposalContent,
        channel_name=TEXT,
        platform=st.one_of(st.sampled_from(list(PLATFORMS)), TEXT),
        platform_other=TEXT,
        handle=TEXT,
        channel_url=LINKS,
        business_unit_id=st.one_of(st.none(), st.integers(1, 3)),
        purpose=TEXT,
        audience=TEXT,
        languages=tuples(TEXT),
        terms_of_use=TEXT,
        monitoring_windows=tuples(WINDOWS, 8),
        out_of_hours_message=TEXT,
        profile_statement=TEXT,
        profile_links=tuples(LINKS),
        related_channels=tuples(
            st.builds(RelatedChannel, id=st.integers(), name=TEXT, active=st.booleans())
        ),
        no_related_reason=TEXT,
        liaison=st.one_of(st.none(), PEOPLE),
        spokespeople=tuples(PEOPLE),
        peer_reviewers=tuples(PEOPLE),
        information_contact=st.one_of(st.none(), PEOPLE),
        neutrality_confirmed=st.booleans(),
        proposer=st.one_of(st.none(), PEOPLE),
        signoffs=tuples(SIGNOFFS, 6),
    ),
    agency=st.one_of(st.just(AGENCY), st.builds(Agency, name=TEXT, te_reo_name=TEXT, domain=TEXT)),
)
def test_check_never_raises_on_any_text(content: ProposalContent, agency: Agency) -> None:
    for result in check(content, agency, RULES):
        for finding in result.findings:
            assert finding.field in FORM_FIELDS
            assert isinstance(finding.message, str) and finding.message


# --- SMP-CHANNEL-URL -----------------------------------------------------------------------


def test_a_lookalike_channel_url_fails_at_the_channel_url_field() -> None:
    content = replace(
        good_content(), channel_url="https://facebook.com.evil.example/EthnicCommunitiesNZ"
    )
    found = findings("SMP-CHANNEL-URL", content)
    assert [f.field for f in found] == ["channel_url"]
    assert "must be on facebook.com" in found[0].message
    assert "https://www.facebook.com/EthnicCommunitiesNZ" in found[0].message


def test_a_channel_url_for_another_handle_fails() -> None:
    content = replace(good_content(), channel_url="https://www.facebook.com/SomeoneElse")
    assert findings("SMP-CHANNEL-URL", content)


def test_a_blank_channel_url_can_wait_until_the_account_exists() -> None:
    assert findings("SMP-CHANNEL-URL", replace(good_content(), channel_url="  ")) == []
    assert findings("SMP-CHANNEL-URL", replace(good_content(), channel_url="\u200b"))
