"""SMP-NEUTRAL: the proposer confirms neutral, lawful use."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.messages import N_
from registry.policy.rules.base import Finding


def check_neutral(content: ProposalContent, agency: Agency) -> list[Finding]:
    if content.neutrality_confirmed is True:
        return []
    return [
        Finding.of(
            N_(
                "Tick “I confirm political and commercial neutrality, privacy and copyright” to"
                " confirm that likes, follows and shares stay politically and commercially"
                " neutral and that posts will not breach privacy, copyright or other laws."
            ),
            "neutrality_confirmed",
        )
    ]
