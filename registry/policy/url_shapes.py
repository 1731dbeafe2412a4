"""What a channel URL on each platform looks like: the platform's own sites, where the handle
sits in the address, and an example. Pure Python; registry/policy/platforms.py checks against it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UrlShape:
    # The platform's own hosts: its bare domain and the subdomains it serves profiles on
    # (www, and m where the platform has a mobile site). Any other subdomain could be a page
    # someone else hosts, so it is not the platform's own.
    hosts: tuple[str, ...]
    # Path segments before the handle, e.g. ("company",) for linkedin.com/company/<slug>;
    # None where the platform's addresses do not carry the handle (an id instead).
    prefix: tuple[str, ...] | None
    at_sign: bool  # whether the handle segment is written "@handle"
    example: str  # with {handle} where the address carries it


URL_SHAPES: dict[str, UrlShape] = {
    "facebook": UrlShape(
        ("facebook.com", "www.facebook.com", "m.facebook.com"),
        (),
        False,
        "https://www.facebook.com/{handle}",
    ),
    "instagram": UrlShape(
        ("instagram.com", "www.instagram.com"), (), False, "https://www.instagram.com/{handle}"
    ),
    "linkedin": UrlShape(
        ("linkedin.com", "www.linkedin.com"),
        ("company",),
        False,
        "https://www.linkedin.com/company/{handle}",
    ),
    "x": UrlShape(
        ("x.com", "www.x.com", "twitter.com", "www.twitter.com"),
        (),
        False,
        "https://x.com/{handle}",
    ),
    "youtube": UrlShape(
        ("youtube.com", "www.youtube.com", "m.youtube.com"),
        (),
        True,
        "https://www.youtube.com/@{handle}",
    ),
    "tiktok": UrlShape(
        ("tiktok.com", "www.tiktok.com"), (), True, "https://www.tiktok.com/@{handle}"
    ),
    "threads": UrlShape(
        ("threads.net", "www.threads.net", "threads.com", "www.threads.com"),
        (),
        True,
        "https://www.threads.net/@{handle}",
    ),
    "bluesky": UrlShape(("bsky.app",), ("profile",), False, "https://bsky.app/profile/{handle}"),
    "wechat": UrlShape(
        ("weixin.qq.com", "mp.weixin.qq.com"), None, False, "https://weixin.qq.com/r/your-id"
    ),
    "weibo": UrlShape(
        ("weibo.com", "www.weibo.com", "m.weibo.cn"), None, False, "https://weibo.com/u/your-id"
    ),
    "whatsapp-channel": UrlShape(
        ("whatsapp.com", "www.whatsapp.com"),
        None,
        False,
        "https://whatsapp.com/channel/your-channel-id",
    ),
}

EXAMPLE_HANDLES = {
    "facebook": "EthnicCommunitiesNZ",
    "instagram": "ethniccommunitiesnz",
    "linkedin": "ministry-for-ethnic-communities",
    "x": "EthnicCommsNZ",
    "youtube": "EthnicCommunitiesNZ",
    "tiktok": "ethniccommsnz",
    "threads": "ethniccommunitiesnz",
    "bluesky": "ethniccommunities.bsky.social",
}
