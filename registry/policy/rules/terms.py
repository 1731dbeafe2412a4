"""SMP-TERMS: the channel has terms of use."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.rules.base import Finding, visible_length

_MIN_TERMS = 20
_TERMS_HELP = (
    "Write the terms of use people will see on the channel: what it is for, how comments are"
    " moderated and when it is monitored."
)


def check_terms(content: ProposalContent, agency: Agency) -> list[Finding]:
    length = visible_length(content.terms_of_use)
    if length == 0:
        return [Finding(_TERMS_HELP, "terms_of_use")]
    if length < _MIN_TERMS:
        return [
            Finding(
                f"{_TERMS_HELP} Yours are too short ({length} characters); they need at least"
                f" {_MIN_TERMS}.",
                "terms_of_use",
            )
        ]
    return []
