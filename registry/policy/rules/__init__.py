"""The Social Media Policy as a table of rules the registry checks every proposal against.

Each rule quotes the clause it enforces, under the clause's heading in the policy, and says in
plain words what the proposer has to fix. Pure Python: no Flask, no database; a rule reads a
ProposalContent snapshot and the Agency settings and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from registry.policy.content import Agency, ProposalContent
from registry.policy.messages import N_
from registry.policy.rules.approvals import check_approvals
from registry.policy.rules.base import Finding, Rule, RuleResult
from registry.policy.rules.channel_url import check_channel_url
from registry.policy.rules.links import check_related_links, check_website_link
from registry.policy.rules.monitoring import check_hours
from registry.policy.rules.neutrality import check_neutral
from registry.policy.rules.people import (
    check_comms,
    check_oia,
    check_peer_review,
    check_spokespeople,
)
from registry.policy.rules.profile import check_supported_by, supported_by_sentence
from registry.policy.rules.terms import check_terms

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "SUBMISSION_RULES",
    "Finding",
    "Rule",
    "RuleResult",
    "check",
    "failing",
    "supported_by_sentence",
]


_SETTING_UP = "Setting up a social media presence/channel"
_SETTING_UP_LINKS = (
    "It must clearly state that it is supported by MEC and should link to"
    " ethniccommunities.govt.nz and any other relevant MEC communication channels."
)
_TERMS_CLAUSE = "The presence should have terms of use, including hours of monitoring."

RULES: tuple[Rule, ...] = (
    Rule(
        id="SMP-APPROVALS",
        title=N_("Manager Communications, business unit DCE and Chief Executive approve"),
        heading=_SETTING_UP,
        clause=(
            "Any new MEC social media presence requires the express permission of the Manager"
            " Communications, the relevant business unit DCE and the Chief Executive."
        ),
        check=check_approvals,
    ),
    Rule(
        id="SMP-CHANNEL-URL",
        title=N_("The Channel URL is the channel's own page on its platform"),
        heading=_SETTING_UP,
        # The permission is for one presence; the address is how everyone finds that one.
        clause=(
            "Any new MEC social media presence requires the express permission of the Manager"
            " Communications, the relevant business unit DCE and the Chief Executive."
        ),
        check=check_channel_url,
    ),
    Rule(
        id="SMP-TERMS",
        title=N_("The channel has terms of use"),
        heading=_SETTING_UP,
        clause=_TERMS_CLAUSE,
        check=check_terms,
    ),
    Rule(
        id="SMP-HOURS",
        title=N_("The terms of use state the hours of monitoring"),
        heading=_SETTING_UP,
        clause=_TERMS_CLAUSE,
        check=check_hours,
    ),
    Rule(
        id="SMP-SUPPORTED-BY",
        title=N_("The channel says it is supported by the agency"),
        heading=_SETTING_UP,
        clause=_SETTING_UP_LINKS,
        check=check_supported_by,
    ),
    Rule(
        id="SMP-WEBSITE-LINK",
        title=N_("The channel links to the agency website"),
        heading=_SETTING_UP,
        clause=_SETTING_UP_LINKS,
        check=check_website_link,
    ),
    Rule(
        id="SMP-RELATED-LINKS",
        title=N_("The channel links to the agency's other relevant channels"),
        heading=_SETTING_UP,
        clause=_SETTING_UP_LINKS,
        check=check_related_links,
    ),
    Rule(
        id="SMP-COMMS",
        title=N_("A Communications team liaison manages the channel"),
        heading="Ongoing management of a social media presence/channel",
        clause=(
            "The presence must be managed in collaboration with the Communications team or"
            " media spokespeople."
        ),
        check=check_comms,
    ),
    Rule(
        id="SMP-SPOKESPEOPLE",
        title=N_("Only authorised spokespeople post"),
        heading="Posting",
        clause=(
            "Only an authorised media spokesperson should post on publicly available social"
            " media sites on behalf of MEC for work reasons."
        ),
        check=check_spokespeople,
    ),
    Rule(
        id="SMP-PEER-REVIEW",
        title=N_("Every post is peer reviewed by someone else"),
        heading="Posting",
        clause=(
            "The post must be peer reviewed by another appropriate staff member to ensure that"
            " it's appropriate to post and to check the content's facts, tone, spelling and"
            " grammar."
        ),
        check=check_peer_review,
    ),
    Rule(
        id="SMP-OIA",
        title=N_("Someone answers requests for information"),
        heading="Request for information",
        clause=(
            "Any request for information made to MEC via our social media presence should be"
            " responded to promptly and in accordance with the Official Information Act."
        ),
        check=check_oia,
    ),
    Rule(
        id="SMP-NEUTRAL",
        title=N_("Neutral, lawful use is confirmed"),
        heading="'Likes', 'reactions', 'follows' and sharing; Posting",
        # Two clauses from two headings, one per line, in heading order.
        clause=(
            "Likes, reactions, follows and sharing of other's social media sites and posts from"
            " a MEC profile should be made with care and remain politically and commercially"
            " neutral.\nPosts must not breach privacy, copyright or any other laws."
        ),
        check=check_neutral,
    ),
)

RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in RULES})

SUBMISSION_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.id != "SMP-APPROVALS")

_TABLE_ORDER = {rule.id: index for index, rule in enumerate(RULES)}


def check(
    content: ProposalContent, agency: Agency, rules: Iterable[Rule] = SUBMISSION_RULES
) -> list[RuleResult]:
    """One result per rule, in the order of the rule table."""
    ordered = sorted(rules, key=lambda rule: _TABLE_ORDER.get(rule.id, len(_TABLE_ORDER)))
    return [RuleResult(rule, tuple(rule.check(content, agency))) for rule in ordered]


def failing(results: Iterable[RuleResult]) -> list[RuleResult]:
    return [result for result in results if not result.passed]
