"""SMP-CHANNEL-URL: the Channel URL is the channel's own page on its platform."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.platforms import channel_url_message
from registry.policy.rules.base import Finding


def check_channel_url(content: ProposalContent, agency: Agency) -> list[Finding]:
    # Blank is allowed: the account may not exist until it is approved, and going live asks
    # for the address through the same check.
    if not content.channel_url.strip():
        return []
    problem = channel_url_message(content.platform, content.handle, content.channel_url)
    return [Finding.from_message(problem, "channel_url")] if problem else []
