"""The verify API's answer about other agencies' channels (the all-of-government lookup).

Added to the ``channel-verify`` document as ``other_agency`` (a new field keeps the format
version): null unless the account is none of ours and a subscribed agency's last verified
register lists it by address or handle. A name alone vouches for nothing here, as on the page.
"""

from __future__ import annotations

from typing import Any

from registry.api.open_data import timestamp
from registry.channels.lookup import MatchedBy
from registry.federation.lookup import look_up_agencies


def with_other_agencies(
    document: dict[str, Any], account: str, platform: str | None = None
) -> dict[str, Any]:
    if document.get("answer") != "not-ours":  # ours always come first
        return {**document, "other_agency": None}
    answer = look_up_agencies(account)
    found = [] if answer.matched_by in (None, MatchedBy.NAME) else list(answer.found)
    if platform:
        found = [f for f in found if f.channel.platform == platform]
    if not found:
        return {**document, "other_agency": None}
    first = next((f for f in found if f.official), found[0])
    return {
        **document,
        "other_agency": {
            "agency": first.agency_name,
            "answer": "official" if first.official else "was-official",
            "closes_on": first.closes_on.isoformat() if first.closes_on else None,
            "register_url": first.register_url,
            "list_verified_at": timestamp(first.verified_at) if first.verified_at else None,
            "matched_by": answer.matched_by.value if answer.matched_by else None,
            "channel": {
                "name": first.channel.name,
                "platform": first.channel.platform_label,
                "platform_key": first.channel.platform,
                "handle": first.channel.handle,
            },
        },
    }
