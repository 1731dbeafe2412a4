"""The Social Media Policy as plain Python: what a proposal holds, the rules it is checked
against, monitoring hours and platform handles. No Flask or database imports here, so tests
and other code can use it on its own."""

from registry.policy.content import (
    WEEKDAYS,
    Agency,
    MonitoringWindow,
    Person,
    ProposalContent,
    RelatedChannel,
    SignoffFact,
)
from registry.policy.hours import (
    day_name,
    describe_window,
    format_time,
    monitoring_statement,
    terms_state_hours,
)
from registry.policy.platforms import (
    PLATFORMS,
    channel_url_problem,
    expected_channel_url,
    handle_problem,
    normalise_handle,
)
from registry.policy.rules import (
    RULES,
    RULES_BY_ID,
    SUBMISSION_RULES,
    Finding,
    Rule,
    RuleResult,
    check,
    failing,
    supported_by_sentence,
)

__all__ = [
    "PLATFORMS",
    "RULES",
    "RULES_BY_ID",
    "SUBMISSION_RULES",
    "WEEKDAYS",
    "Agency",
    "Finding",
    "MonitoringWindow",
    "Person",
    "ProposalContent",
    "RelatedChannel",
    "Rule",
    "RuleResult",
    "SignoffFact",
    "channel_url_problem",
    "check",
    "day_name",
    "describe_window",
    "expected_channel_url",
    "failing",
    "format_time",
    "handle_problem",
    "monitoring_statement",
    "normalise_handle",
    "supported_by_sentence",
    "terms_state_hours",
]
