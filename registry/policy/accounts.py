"""How what a member of the public pastes into "is this official?" is compared with a channel.

Pure Python. Every comparison is exact after normalising what people vary without meaning
to (scheme, "www.", "m.", case, a trailing slash, tracking parameters, macrons); nothing is
a substring match, because "MEC" or a lookalike address must not come back as official.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from registry.policy.platforms import ascii_host, normalise_handle, platform_of_host

__all__ = ["AccountAddress", "account_address", "handle_key", "looks_like_address", "name_key"]


@dataclass(frozen=True)
class AccountAddress:
    """A web address reduced to what identifies an account on it."""

    # The platform ("facebook") for the platforms the registry knows, so twitter.com and
    # x.com, or m.facebook.com and facebook.com, are one site; otherwise the host.
    site: str
    known_platform: bool
    path: tuple[str, ...]
    # Only kept for sites the registry does not know, where a parameter can be what names
    # the account (e.g. ?id=123); on the known platforms the account is in the path.
    query: frozenset[tuple[str, str]]

    def is_under(self, channel: AccountAddress) -> bool:
        """True if this address is the channel's page, or (on a known platform) a page of it."""
        if self.site != channel.site:
            return False
        if channel.known_platform:
            # Platform addresses put the account first: facebook.com/Page/posts/1 is the page's.
            return bool(channel.path) and self.path[: len(channel.path)] == channel.path
        # Extra parameters (tracking, sharing) do not change the page; missing ones might.
        return self.path == channel.path and channel.query <= self.query


def looks_like_address(text: str) -> bool:
    """Whether the text is meant as a web address rather than a handle or a name."""
    text = text.strip()
    if not text or any(ch.isspace() for ch in text):
        return False
    return "/" in text or "." in text.split("@")[-1]


def account_address(text: str) -> AccountAddress | None:
    """The address's identifying parts, or None if it is not a web address one can visit."""
    text = text.strip()
    if not text or "\\" in text or any(ch.isspace() for ch in text):
        return None
    if "://" not in text:
        text = "https://" + text.removeprefix("//")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    # A name before "@" hides where an address really goes: it is never one of ours.
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        return None
    host = ascii_host(parts.hostname)
    if host is None:
        return None
    platform = platform_of_host(host)
    site = platform or host.removeprefix("www.").removeprefix("m.")
    if port not in (None, 80, 443):
        site += f":{port}"
    path = tuple(segment.casefold() for segment in unquote(parts.path).split("/") if segment)
    query: frozenset[tuple[str, str]] = frozenset()
    if platform is None:
        query = frozenset(parse_qsl(parts.query, keep_blank_values=True))
    return AccountAddress(site, platform is not None, path, query)


def handle_key(text: str) -> str:
    """A handle as the inventory keys it: no "@", lower case (the same on every platform)."""
    return normalise_handle("", text)


_ASCII_PUNCTUATION_TO_SPACE = str.maketrans(
    {chr(code): " " for code in range(128) if not chr(code).isalnum()}
)


def name_key(text: str) -> str:
    """A display name compared the way people read it: case, macrons, punctuation and spacing
    ignored ("Te Tari Mātāwaka" and "te tari matawaka" are one name); hidden characters
    dropped. Letters from other scripts stay distinct, so a lookalike name is not ours."""
    if text.isascii():
        # The same answer, read faster: ASCII has no marks to drop or letters to decompose,
        # and casefold() is lower() on it.
        return " ".join(text.lower().translate(_ASCII_PUNCTUATION_TO_SPACE).split())
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category in ("Mn", "Cf"):
            continue
        kept.append(ch.casefold() if ch.isalnum() else " ")
    return " ".join("".join(kept).split())
