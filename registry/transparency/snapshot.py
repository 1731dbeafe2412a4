"""What the transparency statement says, read from the register: a plain, canonical snapshot.

The snapshot is everything a version shows (the introduction, the official channels with
their purpose, platform, languages, monitoring hours and terms of use, the information
request timeframe, the privacy statement link, the agency's names), as JSON with sorted keys,
so two snapshots are the same statement exactly when their SHA-256 are equal. A version's
page and PDF are drawn from its stored snapshot alone, never from today's data.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory.public import official_now
from registry.oia.dates import STATUTORY_WORKING_DAYS
from registry.policy.platforms import platform_name, shown_handle
from registry.proposals.models import ProposalRevision

# Bumped if the snapshot's shape ever changes, so an old version is still read as it was.
SNAPSHOT_FORMAT = 1


def canonical(snapshot: dict[str, Any]) -> tuple[str, str]:
    """The snapshot as canonical JSON, and that text's SHA-256."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _approved_content(proposal_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each proposal's latest revision (an approved proposal takes no more revisions)."""
    if not proposal_ids:
        return {}
    latest = (
        select(ProposalRevision.proposal_id, func.max(ProposalRevision.number).label("n"))
        .where(ProposalRevision.proposal_id.in_(proposal_ids))
        .group_by(ProposalRevision.proposal_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ProposalRevision.proposal_id, ProposalRevision.content_json).join(
            latest,
            (latest.c.proposal_id == ProposalRevision.proposal_id)
            & (latest.c.n == ProposalRevision.number),
        )
    )
    return {row.proposal_id: json.loads(row.content_json) for row in rows}


def _hours(content: dict[str, Any]) -> list[list[Any]]:
    windows = content.get("monitoring_windows") or []
    rows = [
        [int(window["weekday"]), str(window["starts"])[:5], str(window["ends"])[:5]]
        for window in windows
        if isinstance(window, dict) and {"weekday", "starts", "ends"} <= window.keys()
    ]
    return sorted(rows)


def _channel(channel: Channel, content: dict[str, Any]) -> dict[str, Any]:
    languages = content.get("languages") or channel.language_list
    return {
        "reference": channel.reference,
        "name": channel.name,
        "platform": platform_name(channel.platform, channel.platform_other),
        "handle": shown_handle(channel.platform, channel.handle),
        "url": channel.vouched_url,
        "purpose": str(content.get("purpose") or ""),
        "languages": [str(language) for language in languages if str(language).strip()],
        "monitoring_hours": _hours(content),
        "out_of_hours_message": str(content.get("out_of_hours_message") or ""),
        "terms_of_use": str(content.get("terms_of_use") or ""),
    }


def official_channels() -> list[Channel]:
    """The channels the public register lists now, in its order."""
    return list(
        db.session.scalars(
            select(Channel)
            .where(*official_now())
            .order_by(Channel.platform, Channel.name, Channel.id)
            .execution_options(populate_existing=True)
        ).unique()
    )


def live_snapshot(introduction_en: str, introduction_mi: str) -> dict[str, Any]:
    """The statement as the register stands now, with the given introduction."""
    config = current_app.config
    channels = official_channels()
    contents = _approved_content([c.proposal_id for c in channels if c.proposal_id])
    return {
        "format": SNAPSHOT_FORMAT,
        "agency": {
            "name": config["AGENCY_NAME"],
            "te_reo_name": config["AGENCY_TE_REO_NAME"],
            "domain": config["AGENCY_DOMAIN"],
        },
        "introduction": {"en": introduction_en, "mi": introduction_mi},
        "channels": [_channel(c, contents.get(c.proposal_id or 0, {})) for c in channels],
        "information_requests": {"working_days": STATUTORY_WORKING_DAYS},
        "privacy_statement_url": config["PRIVACY_STATEMENT_URL"],
    }
