"""A platform's stable account id: what it looks like on each platform, and where a channel's
public page names it. Pure Python.

A handle can be renamed, released and taken by someone else; the id the platform gave the
account when it was made stays with that account. The Communications team types it from the
platform's page at go-live, and the daily channel check compares it with the id the page names
(registry/policy/channel_checks.py), so a handle now pointing at another account is noticed.

Where a page names its id is the platform's markup as of writing. A platform that changes it
makes the check read no id, which is never a flag on its own (nothing read, nothing judged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from registry.policy.messages import N_, Message
from registry.policy.platforms import PLATFORMS

__all__ = [
    "ACCOUNT_ID_SHAPES",
    "account_id_message",
    "account_ids_named",
    "normalise_account_id",
]


@dataclass(frozen=True)
class AccountIdShape:
    pattern: str  # the whole id, as a regular expression
    description: str  # what a valid id looks like, for the message (translatable)
    # Regular expressions whose first group is the id, searched for in the page's markup.
    named_by: tuple[str, ...]


_DIGITS = r"[0-9]{1,25}"

ACCOUNT_ID_SHAPES: dict[str, AccountIdShape] = {
    "facebook": AccountIdShape(
        r"[0-9]{5,25}",
        N_(
            "A Facebook page id is 5 to 25 digits (About → Page transparency), e.g."
            " 100064123456789."
        ),
        (r"fb://(?:page|profile)/(?:\?id=)?([0-9]{5,25})", r'"pageID":"([0-9]{5,25})"'),
    ),
    "instagram": AccountIdShape(
        _DIGITS,
        N_("An Instagram account id is digits only, e.g. 1234567890."),
        (r'"profile_id":"([0-9]{1,25})"', r"instagram://user\?id=([0-9]{1,25})"),
    ),
    "threads": AccountIdShape(
        _DIGITS,
        N_("A Threads account id is digits only, e.g. 1234567890."),
        (r'"user_id":"([0-9]{1,25})"',),
    ),
    "x": AccountIdShape(
        _DIGITS,
        N_("An X account id is digits only, e.g. 1234567890123456789."),
        (r'"rest_id":"([0-9]{1,25})"', r"twitter://user\?id=([0-9]{1,25})"),
    ),
    "youtube": AccountIdShape(
        r"UC[A-Za-z0-9_-]{22}",
        N_("A YouTube channel id is “UC” and 22 more letters, digits, “-” or “_”."),
        (
            r'itemprop="(?:channelId|identifier)" content="(UC[A-Za-z0-9_-]{22})"',
            r"youtube\.com/channel/(UC[A-Za-z0-9_-]{22})",
            r'"externalId":"(UC[A-Za-z0-9_-]{22})"',
        ),
    ),
    "tiktok": AccountIdShape(
        _DIGITS,
        N_("A TikTok account id is digits only, e.g. 6812345678901234567."),
        (r'"user":\{"id":"([0-9]{1,25})"',),
    ),
    "linkedin": AccountIdShape(
        r"[0-9]{1,15}",
        N_("A LinkedIn organisation id is digits only, e.g. 12345678."),
        (r"urn:li:(?:organization|fsd_company|company):([0-9]{1,15})",),
    ),
    "bluesky": AccountIdShape(
        r"did:(?:plc:[a-z2-7]{24}|web:[A-Za-z0-9.-]{1,253})",
        N_("A Bluesky account id is a DID, e.g. did:plc:abcdefghijklmnopqrstuvwx."),
        (r"at://(did:(?:plc:[a-z2-7]{24}|web:[A-Za-z0-9.-]{1,253}))",),
    ),
    "wechat": AccountIdShape(
        r"gh_[0-9a-f]{12}",
        N_("A WeChat original id is “gh_” and 12 letters a–f or digits, e.g. gh_0123456789ab."),
        (r"\b(gh_[0-9a-f]{12})\b",),
    ),
    "weibo": AccountIdShape(
        r"[0-9]{5,20}",
        N_("A Weibo user id is 5 to 20 digits, e.g. 1234567890."),
        (r'"idstr":"([0-9]{5,20})"',),
    ),
    "whatsapp-channel": AccountIdShape(
        r"[0-9A-Za-z]{20,40}",
        N_("A WhatsApp channel id is the 20 to 40 letters and digits after /channel/ in its link."),
        (r"whatsapp\.com/channel/([0-9A-Za-z]{20,40})",),
    ),
}

_OTHER_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,200}")


def normalise_account_id(platform: str, account_id: str) -> str:
    """The id as stored and compared: no surrounding spaces; ids are case-sensitive
    (a YouTube id's letters matter), so nothing else changes."""
    return account_id.strip()


def account_id_message(platform: str, account_id: str) -> Message | None:
    """None if ``account_id`` is blank (the id is optional) or fits the platform's ids;
    otherwise what a valid one looks like."""
    value = normalise_account_id(platform, account_id)
    if not value:
        return None
    shape = ACCOUNT_ID_SHAPES.get(platform)
    if shape is None:
        if _OTHER_ID.fullmatch(value):
            return None
        return Message.of(N_("A platform account id is at most 200 characters with no spaces."))
    if re.fullmatch(shape.pattern, value):
        return None
    shown = value if len(value) <= 60 else value[:59] + "…"
    return Message.of(
        N_("“%(id)s” is not a %(platform)s account id. %(description)s"),
        id=shown,
        platform=PLATFORMS.get(platform, platform),
        description=shape.description,
    )


def account_ids_named(platform: str, markup: str) -> frozenset[str]:
    """The account ids a page's markup names, where this platform's pages name one."""
    shape = ACCOUNT_ID_SHAPES.get(platform)
    if shape is None:
        return frozenset()
    found: set[str] = set()
    for pattern in shape.named_by:
        found.update(match.group(1) for match in re.finditer(pattern, markup))
    return frozenset(found)
