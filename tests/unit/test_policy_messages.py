"""The policy report's words are translatable: every finding carries a template the catalogue
holds and the values that fill it in, and filled in it is the finding's English message.

registry/policy has no Flask, so it only marks its templates (``N_``); the pages translate them
when they show them. A template built with an f-string, or a finding made from a bare message,
would give pages words no catalogue can hold: the tests below catch both.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from registry.policy import RULES, Agency, MonitoringWindow, Person, RelatedChannel, SignoffFact
from registry.policy.account_ids import ACCOUNT_ID_SHAPES, account_id_message
from registry.policy.messages import Message
from registry.policy.platforms import channel_url_message
from registry.policy.rules import check
from tests.unit.test_policy_rules import (
    AGENCY,
    CE_SIGNS,
    COMMS,
    DCE_SIGNS,
    MANAGER_SIGNS,
    PROPOSER,
    REVIEWER,
    SPEAKER,
    good_content,
    window,
)

PROJECT = Path(__file__).resolve().parents[2]
POLICY = PROJECT / "registry/policy"
GONE = Person(8, "Gone Person", active=False)
FACEBOOK = "https://www.facebook.com/EthnicCommunitiesNZ"


def _bad_proposals() -> list[tuple[object, Agency]]:
    """Proposals that between them break every rule in every way it reports."""
    good = good_content()
    same = SignoffFact("chief-executive", 20, "Mere Manager")
    shared_dce = SignoffFact("dce", 20, "Mere Manager", business_unit_id=10)
    other_unit = SignoffFact("dce", 24, "Other <DCE> 100%", business_unit_id=99)
    signoffs = [
        (),
        (SignoffFact("manager-communications", PROPOSER.id, PROPOSER.name), DCE_SIGNS, CE_SIGNS),
        (MANAGER_SIGNS, shared_dce, CE_SIGNS),
        (MANAGER_SIGNS, DCE_SIGNS, same),
        (MANAGER_SIGNS, DCE_SIGNS, replace(same, signer_id=21, signer_name="Daniel Chen")),
        (MANAGER_SIGNS, shared_dce, same),
        (MANAGER_SIGNS, other_unit, CE_SIGNS),
    ]
    urls = [
        ("facebook", "EthnicCommunitiesNZ", "https://www.facebook.com/Ethnic Communities"),
        ("facebook", "EthnicCommunitiesNZ", "https://www.facebook.com\\EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://[bad/x"),
        ("facebook", "EthnicCommunitiesNZ", "http://www.facebook.com/EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "ftp://www.facebook.com/EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://me@www.facebook.com/EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://-bad-.com/EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://www.facebook.com:8443/EthnicCommunitiesNZ"),
        ("no-such-platform", "EthnicCommunitiesNZ", "https://example.com/x"),
        ("other", "EthnicCommunitiesNZ", "https://www.instagram.com.example/x"),
        ("facebook", "EthnicCommunitiesNZ", "https://evil.example/EthnicCommunitiesNZ"),
        ("facebook", "", "https://www.facebook.com/EthnicCommunitiesNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://www.facebook.com/Ethnic%2fNZ"),
        ("facebook", "EthnicCommunitiesNZ", "https://www.facebook.com/100%25Someone"),
    ]
    hours = [
        (),
        (MonitoringWindow(9, time(9), time(17)),),
        (MonitoringWindow(0, None, time(17)),),  # type: ignore[arg-type]
        (window(1, "09:00", "09:00"),),
        (window(2, "18:00", "00:00"),),
        (window(3, "22:00", "02:00"),),
        (window(4, "09:00", "12:00"), window(4, "09:00", "12:00")),
        (window(5, "09:00", "12:00"), window(5, "11:00", "13:00")),
    ]
    links = [
        ("https://www.facebook.com/x",),
        ("https://ethniccommunities.govt.nz@evil.example/",),
        ("https://someone@evil.example/",),
        ("http://ethniccommunities.govt.nz/100%",),
        ("https://ethniccommunities.govt.nz.evil.example",),
        ("javascript:alert('ethniccommunities.govt.nz')",),
        ("ethniccommunities.govt.nz",),
        ("//ethniccommunities.govt.nz",),
    ]
    people = [
        {"liaison": None, "spokespeople": (), "peer_reviewers": (), "information_contact": None},
        {"liaison": GONE, "spokespeople": (GONE,), "peer_reviewers": (GONE,)},
        {"liaison": SPEAKER, "information_contact": GONE},
        {"spokespeople": (REVIEWER,), "peer_reviewers": (REVIEWER, GONE)},
    ]
    cases: list[tuple[object, Agency]] = []
    cases += [(replace(good, signoffs=s), AGENCY) for s in signoffs]
    cases += [(replace(good, platform=p, handle=h, channel_url=u), AGENCY) for p, h, u in urls]
    cases += [(replace(good, monitoring_windows=w), AGENCY) for w in hours]
    cases += [(replace(good, terms_of_use=t), AGENCY) for t in ("", "Be kind.")]
    cases += [(replace(good, profile_links=links_), AGENCY) for links_ in links]
    cases += [(replace(good, **changes), AGENCY) for changes in people]
    cases += [
        (replace(good, related_channels=(RelatedChannel(7, "Old", active=False),)), AGENCY),
        (replace(good, related_channels=(), no_related_reason="short"), AGENCY),
        (replace(good, neutrality_confirmed=False, profile_statement=""), AGENCY),
        (replace(good, profile_statement="Supported by us."), AGENCY),
        (replace(good, profile_statement="Us."), Agency(te_reo_name="")),
        (replace(good, profile_statement="Us."), Agency(name="", te_reo_name="")),
        (replace(good, liaison=replace(COMMS, in_communications_team=False)), AGENCY),
    ]
    return cases


def _findings() -> list:
    found = []
    for content, agency in _bad_proposals():
        for result in check(content, agency, RULES):  # type: ignore[arg-type]
            found.extend(result.findings)
    return found


def _channel_url_messages() -> list[Message]:
    """The Channel URL messages every door gives, with the one the rule never gives (blank)."""
    blank = channel_url_message("facebook", "EthnicCommunitiesNZ", "")
    # "An Instagram Channel URL must be on …": platforms read with "an" have their own wording.
    elsewhere = channel_url_message("instagram", "mecnz", "https://www.facebook.com/mecnz")
    assert blank is not None and elsewhere is not None
    assert elsewhere.text.startswith("An Instagram Channel URL must be on instagram.com")
    return [blank, elsewhere]


def _account_id_templates() -> set[str]:
    """The platform account id's messages: a wrong id for each platform with its shape (whose
    description is marked for translation too), and a wrong one for any other platform."""
    templates = set()
    for platform, shape in ACCOUNT_ID_SHAPES.items():
        message = account_id_message(platform, "not an id")
        assert message is not None, platform
        templates |= {message.template, shape.description}
    other = account_id_message("other", "two words")
    assert other is not None
    return templates | {other.template}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> set[str]:
    """What `pybabel extract` (default keywords, which include ``N_``) finds in registry/policy."""
    folder = tmp_path_factory.mktemp("policy-catalogue")
    (folder / "babel.cfg").write_text("[python: **.py]\n", encoding="utf-8")
    pot = folder / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "-q",
            "extract",
            "-F",
            str(folder / "babel.cfg"),
            "--omit-header",
            "-o",
            str(pot),
            str(POLICY),
        ],
        check=True,
        timeout=120,
    )
    with pot.open("rb") as template:
        return {str(message.id) for message in read_po(template) if message.id}


def test_every_finding_is_its_template_filled_in() -> None:
    found = _findings()
    assert len(found) > 60
    for finding in found:
        assert finding.template % dict(finding.values) == finding.message, finding
        assert all(isinstance(v, str) for v in finding.values.values()), finding
    # A user's "%" is a value, never part of a template.
    assert any("100%" in f.message and "100%" not in f.template for f in found)


def test_every_finding_template_and_rule_title_is_in_the_catalogue(catalogue) -> None:
    templates = {f.template for f in _findings()} | {m.template for m in _channel_url_messages()}
    missing = sorted(t for t in templates if t not in catalogue)
    assert not missing, "not marked with N_(...) as one literal: " + "\n".join(missing)
    titles = [rule.title for rule in RULES]
    assert not [t for t in titles if t not in catalogue]


def test_every_marked_finding_template_is_produced_above(catalogue) -> None:
    """The proposals above reach every message the policy marks, so a new message (or a new
    way of building one) is checked by the tests above as soon as it is added."""
    produced = {f.template for f in _findings()} | {m.template for m in _channel_url_messages()}
    produced |= _account_id_templates()
    titles = {rule.title for rule in RULES}
    assert sorted(catalogue - titles - produced) == []


def _calls(name: str):
    for path in sorted(POLICY.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield path.relative_to(PROJECT), node


def test_templates_are_marked_literals_in_the_source() -> None:
    """``N_`` takes one plain string (no f-string, no joining), and no finding is made from a
    finished sentence: ``Finding.of(N_("..."), field, name=value)``."""
    for where, call in _calls("N_"):
        assert len(call.args) == 1 and not call.keywords, f"{where}:{call.lineno}"
        arg = call.args[0]
        assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
            f"{where}:{call.lineno}"
        )
        # Every placeholder is a named one, so a translation may reorder them.
        assert not re.search(r"%(?!%|\(\w+\)s)", arg.value.replace("%%", "")), arg.value
    for where, call in _calls("Finding"):
        raise AssertionError(f"{where}:{call.lineno}: use Finding.of(N_(...), field, ...)")
    for name in ("of", "from_message"):
        for where, call in _calls(name):
            assert call.args and not isinstance(call.args[0], ast.JoinedStr | ast.BinOp), (
                f"{where}:{call.lineno}"
            )
