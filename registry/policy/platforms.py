"""The social media platforms a proposal can choose, and what a handle and channel URL on each
look like. Pure Python: no Flask, no database. Nothing here raises on odd input; problems come
back as a sentence telling the proposer what a valid value looks like.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from registry.policy.messages import N_, Message
from registry.policy.url_shapes import EXAMPLE_HANDLES, URL_SHAPES

__all__ = [
    "PLATFORMS",
    "channel_url_message",
    "channel_url_problem",
    "expected_channel_url",
    "handle_problem",
    "normalise_handle",
    "platform_name",
    "platform_of_host",
    "shown_handle",
]

PLATFORMS: Mapping[str, str] = MappingProxyType(
    {
        "facebook": "Facebook",
        "instagram": "Instagram",
        "linkedin": "LinkedIn",
        "x": "X",
        "youtube": "YouTube",
        "tiktok": "TikTok",
        "threads": "Threads",
        "bluesky": "Bluesky",
        "wechat": "WeChat",
        "weibo": "Weibo",
        "whatsapp-channel": "WhatsApp channel",
        "other": "Other",
    }
)

# Platforms whose names start with a vowel sound, so take "an": "an Instagram", "an X".
_SAID_WITH_A_VOWEL = frozenset({"instagram", "x"})

_MAX_SHOWN = 60


def _flat(value: str, limit: int = _MAX_SHOWN) -> str:
    """A user's value as a message shows it (the message quotes it): on one line and cut short
    so messages stay short."""
    flat = " ".join(value.split())
    if not (flat.isascii() and flat.isprintable()):  # printable ASCII has none of these
        flat = "".join(ch for ch in flat if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def _shown(value: str) -> str:
    return f"“{_flat(value)}”"


def _bare(handle: str) -> str:
    handle = handle.strip()
    return handle[1:] if handle.startswith("@") else handle


def normalise_handle(platform: str, handle: str) -> str:
    """The form two handles are compared in to find duplicates: no spaces, no leading "@",
    lower case (every platform here treats handles case-insensitively)."""
    return _bare(handle).strip().lower()


# Where people write a handle with "@" (@EthnicCommsNZ); elsewhere it is a page name, bare.
_AT_HANDLES = frozenset({"x", "instagram", "threads", "tiktok", "youtube", "bluesky"})


def platform_name(platform: str, other: str = "") -> str:
    """The platform as people write it ("LinkedIn"); "Other: Mastodon" as charters show it."""
    label = PLATFORMS.get(platform, platform)
    return f"{label}: {other.strip()}" if platform == "other" and other.strip() else label


def shown_handle(platform: str, handle: str) -> str:
    """A handle one way on every page, typed with its "@" or not: "@" where people write one."""
    bare = _bare(handle)
    return f"@{bare}" if bare and platform in _AT_HANDLES else bare


# --- Handles -------------------------------------------------------------------------------


def _instagram_like(handle: str) -> bool:
    return (
        re.fullmatch(r"[A-Za-z0-9._]{1,30}", handle) is not None
        and not handle.startswith(".")
        and not handle.endswith(".")
        and ".." not in handle
    )


def _tiktok(handle: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9._]{2,24}", handle) is not None and not handle.endswith(".")


_DOMAIN_HANDLE = re.compile(
    r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?",
    re.IGNORECASE,
)


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda handle: compiled.fullmatch(handle) is not None


def _generic(handle: str) -> bool:
    return len(handle) <= 100 and not any(
        ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in handle
    )


_HANDLE_RULES: dict[str, tuple[Callable[[str], bool], str]] = {
    "x": (
        _pattern(r"[A-Za-z0-9_]{1,15}"),
        "An X handle is 1 to 15 letters, digits or underscores, for example @EthnicCommsNZ.",
    ),
    "instagram": (
        _instagram_like,
        "An Instagram handle is 1 to 30 letters, digits, full stops or underscores, not starting"
        " or ending with a full stop and without two full stops in a row, for example"
        " @ethniccommunitiesnz.",
    ),
    "threads": (
        _instagram_like,
        "A Threads handle is your Instagram handle: 1 to 30 letters, digits, full stops or"
        " underscores, not starting or ending with a full stop and without two full stops in a"
        " row, for example @ethniccommunitiesnz.",
    ),
    "tiktok": (
        _tiktok,
        "A TikTok handle is 2 to 24 letters, digits, full stops or underscores, not ending with a"
        " full stop, for example @ethniccommsnz.",
    ),
    "youtube": (
        _pattern(r"[A-Za-z0-9._-]{3,30}"),
        "A YouTube handle is 3 to 30 letters, digits, full stops, underscores or hyphens, for"
        " example @EthnicCommunitiesNZ.",
    ),
    "facebook": (
        _pattern(r"[A-Za-z0-9.]{5,50}"),
        "A Facebook page username is 5 to 50 letters, digits or full stops, for example"
        " EthnicCommunitiesNZ.",
    ),
    "linkedin": (
        _pattern(r"[a-z0-9-]{2,100}"),
        "A LinkedIn handle is the company page name after linkedin.com/company/: 2 to 100"
        " lower-case letters, digits or hyphens, for example ministry-for-ethnic-communities.",
    ),
    "bluesky": (
        lambda handle: _DOMAIN_HANDLE.fullmatch(handle) is not None,
        "A Bluesky handle is a domain name, for example ethniccommunities.bsky.social or"
        " ethniccommunities.govt.nz.",
    ),
}

_GENERIC_RULE = (
    _generic,
    "A handle is at most 100 characters with no spaces, for example @EthnicCommunitiesNZ.",
)


def handle_problem(platform: str, handle: str) -> str | None:
    """None if the handle fits the platform's rules, else what a valid handle looks like."""
    label = PLATFORMS.get(platform, "")
    bare = _bare(handle)
    valid, description = _HANDLE_RULES.get(platform, _GENERIC_RULE)
    if not bare.strip():
        where = f"the {label} " if label and platform != "other" else "the "
        return f"Enter {where}handle. {description}"
    if valid(bare):
        return None
    return f"{_shown(handle.strip())} is not a valid handle. {description}"


# --- Channel URLs --------------------------------------------------------------------------


_HOST = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*")


def ascii_host(raw: str | None) -> str | None:
    """Lower-case ASCII (IDNA) host without a trailing dot, or None if it is not a host."""
    if not raw:
        return None
    host = raw.rstrip(".").lower()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return host
    try:
        host = host.encode("idna").decode("ascii").lower()
    except (UnicodeError, ValueError):
        return None
    return host if _HOST.fullmatch(host) else None


def platform_of_host(host: str) -> str | None:
    """The platform whose own site ``host`` is (``m.facebook.com`` and ``twitter.com`` count)."""
    for platform, shape in URL_SHAPES.items():
        if host in shape.hosts:
            return platform
    return None


def address_carries_handle(platform: str) -> bool:
    """Whether a Channel URL that passes the check on this platform has the handle in its
    path (right after the platform's prefix), so the handle finds the channel's address."""
    shape = URL_SHAPES.get(platform)
    return shape is not None and shape.prefix is not None


def expected_channel_url(platform: str, handle: str) -> str | None:
    """The channel's address built from its handle (None where URLs do not carry a handle)."""
    shape = URL_SHAPES.get(platform)
    bare = _bare(handle).strip()
    if shape is None or shape.prefix is None or not bare:
        return None
    return shape.example.format(handle=bare)


def _example(platform: str, handle: str) -> str:
    shape = URL_SHAPES.get(platform)
    if shape is None:
        return "https://example.com/your-channel"
    if shape.prefix is None:
        return shape.example
    if handle_problem(platform, handle) is None:
        return shape.example.format(handle=_bare(handle).strip())
    return shape.example.format(handle=EXAMPLE_HANDLES[platform])


# Percent-encoded "/", "\\" and "." can make a path read one way here and another way on the
# platform's server, so a path that needs them is not a channel's page.
_ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c|2e)", re.IGNORECASE)


def _same_segment(typed: str, wanted: str) -> bool:
    """Handles compare without case, in ASCII only: "K" (Kelvin sign) or "ß" in a path must
    not pass for "k" or "ss" in a handle."""
    return typed.isascii() and typed.lower() == wanted.lower()


def _listed_platform_imitated(host: str) -> str | None:
    """The listed platform whose site ``host`` is, or whose site name it starts with."""
    for platform, shape in URL_SHAPES.items():
        for own in shape.hosts:
            if host == own or host.endswith("." + own) or host.startswith(own + "."):
                return platform
    return None


def _spaces_or_hidden(url: str) -> bool:
    if url.isascii():  # its only hidden characters are controls, which are not printable
        return " " in url or not url.isprintable()
    return any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in url)


def channel_url_problem(platform: str, handle: str, url: str) -> str | None:
    """The one decision on a Channel URL. None if it is an https address on the platform's
    own site (the platform's domain or one of the subdomains it serves profiles on) and,
    where the platform's addresses carry the handle, the page for this handle; otherwise a
    sentence saying what to fix. Every door that puts an address on a channel asks this."""
    problem = channel_url_message(platform, handle, url)
    return problem.text if problem else None


def channel_url_message(platform: str, handle: str, url: str) -> Message | None:
    """``channel_url_problem`` as a translatable template and its values."""
    url = url.strip()
    label = PLATFORMS.get(platform, "the platform")
    example = _example(platform, handle)
    if not url:
        return Message.of(
            N_("Enter the Channel URL: the channel's full web address, for example %(example)s."),
            example=example,
        )
    shown = _flat(url)

    def fix(template: str, **values: object) -> Message:
        return Message.of(template, url=shown, example=example, **values)

    if _spaces_or_hidden(url):
        return fix(
            N_("The Channel URL “%(url)s” contains spaces or hidden characters: use %(example)s.")
        )
    # A backslash is read as "/" by browsers but not by urlsplit, so the two would disagree
    # about which site the address goes to.
    if "\\" in url:
        return fix(N_("The Channel URL “%(url)s” contains a backslash: use %(example)s."))
    try:
        parts = urlsplit(url)
        raw_host = parts.hostname
        host = ascii_host(raw_host)
        port = parts.port
    except ValueError:
        return fix(N_("The Channel URL “%(url)s” is not a web address: use %(example)s."))
    scheme = parts.scheme.lower()
    if scheme == "http":
        return Message.of(
            N_("The Channel URL must use https: change it to “%(fixed)s”."),
            fixed=_flat("https" + url[4:]),
        )
    if scheme != "https" or not parts.netloc:
        return fix(
            N_(
                "The Channel URL “%(url)s” is not a full web address: it must start with"
                " https://, for example %(example)s."
            )
        )
    if "@" in parts.netloc:
        return fix(
            N_(
                "The Channel URL “%(url)s” has a name and “@” before the site name, which hides"
                " where it really goes: use %(example)s."
            )
        )
    if host is None:
        return fix(
            N_("The Channel URL “%(url)s” does not have a valid site name: use %(example)s.")
        )
    if port not in (None, 443):
        return fix(
            N_("The Channel URL “%(url)s” names a port, %(port)s: use %(example)s."), port=port
        )
    if platform not in PLATFORMS:
        return Message.of(
            N_("Choose the Platform first: the Channel URL is checked against the platform's site.")
        )
    shape = URL_SHAPES.get(platform)
    if shape is None:
        # "Other" has no site to check against, but it must not be a way round the check of a
        # listed platform: not on that platform's site, nor on a name that starts with it.
        imitated = _listed_platform_imitated(host)
        if imitated is not None:
            return Message.of(
                N_(
                    "The Channel URL “%(url)s” is on, or imitates, %(platform)s's site: choose"
                    " %(platform)s as the Platform and use its address, like %(example)s."
                ),
                url=shown,
                platform=PLATFORMS[imitated],
                example=_example(imitated, handle),
            )
        return None
    # The site name as typed, not as IDNA would read it: "ｆａｃｅｂｏｏｋ.com" reaches Facebook
    # but shows on the register as something else.
    if host not in shape.hosts or (raw_host or "").rstrip(".") != host:
        return fix(
            # "An Instagram", "an X" (said "ex"): a whole sentence each, for translators.
            N_(
                "An %(platform)s Channel URL must be on %(site)s, but “%(url)s” is on"
                " “%(host)s”: use %(example)s."
            )
            if platform in _SAID_WITH_A_VOWEL
            else N_(
                "A %(platform)s Channel URL must be on %(site)s, but “%(url)s” is on"
                " “%(host)s”: use %(example)s."
            ),
            platform=label,
            site=shape.hosts[0],
            host=_flat(raw_host or host),
        )
    if shape.prefix is None:
        return None
    bare = _bare(handle).strip()
    if not bare:
        return fix(
            N_("Enter the Handle first: the Channel URL must be the page for it, like %(example)s.")
        )
    if _ENCODED_SEPARATOR.search(parts.path):
        return fix(
            N_("The Channel URL “%(url)s” has an encoded “/”, “\\” or “.” in it: use %(example)s.")
        )
    segments = [s for s in unquote(parts.path).split("/") if s]
    wanted = [*shape.prefix, ("@" if shape.at_sign else "") + bare]
    if any(s in (".", "..") for s in segments) or not (
        len(segments) >= len(wanted)
        and all(_same_segment(s, w) for s, w in zip(segments, wanted, strict=False))
    ):
        # A valid handle is short enough that the whole address can be shown, and a cut-off
        # address would be no use to copy.
        limit = 200 if handle_problem(platform, handle) is None else _MAX_SHOWN
        return Message.of(
            N_("The Channel URL should be the page for the handle “%(handle)s”: “%(page)s”."),
            handle=_flat(handle.strip()),
            page=_flat(shape.example.format(handle=bare), limit),
        )
    return None
