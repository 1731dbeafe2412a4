"""SMP-TERMS: the channel has terms of use."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.messages import N_
from registry.policy.rules.base import Finding, visible_length

_MIN_TERMS = 20


def check_terms(content: ProposalContent, agency: Agency) -> list[Finding]:
    length = visible_length(content.terms_of_use)
    if length == 0:
        return [
            Finding.of(
                N_(
                    "Write the terms of use people will see on the channel: what it is for, how"
                    " comments are moderated and when it is monitored."
                ),
                "terms_of_use",
            )
        ]
    if length < _MIN_TERMS:
        return [
            Finding.of(
                N_(
                    "Write the terms of use people will see on the channel: what it is for, how"
                    " comments are moderated and when it is monitored. Yours are too short"
                    " (%(length)s characters); they need at least %(minimum)s."
                ),
                "terms_of_use",
                length=length,
                minimum=_MIN_TERMS,
            )
        ]
    return []
