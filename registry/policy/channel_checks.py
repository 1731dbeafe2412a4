"""The daily channel check's rules: which addresses it may fetch, what it reads from a
channel's public page, and what that reading means. Pure Python: the fetching is in
registry/checks/fetch.py, and it asks ``next_hop`` before every request.

What a check finds, most serious first:

- gone: the page answered 404 or 410;
- redirected: the platform sent the visitor to another handle's page, or off its own site
  (that redirect is not followed; the address is recorded);
- account-changed: the page names an account id, and not the one recorded at go-live (the
  handle now belongs to someone else);
- renamed: the page's own address names another handle, or its name changed since the
  check last found it fine;
- fine: none of these.

Two outcomes are no finding: unreachable (timeouts, 5xx, 429: the job queue tries again, and
only several days of them in a row raise a flag) and unreadable (the platform would not show
the page to the checker: a sign-in wall, 401, 403, too many redirects). Neither ever says the
channel is fine or not.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from registry.policy.account_ids import account_ids_named
from registry.policy.accounts import name_key
from registry.policy.platforms import ascii_host
from registry.policy.url_shapes import URL_SHAPES

__all__ = [
    "CheckOutcome",
    "Fetched",
    "PageReading",
    "Verdict",
    "checkable",
    "handle_in_address",
    "judge",
    "next_hop",
    "read_page",
]


class CheckOutcome(enum.StrEnum):
    FINE = "fine"
    GONE = "gone"
    REDIRECTED = "redirected"
    ACCOUNT_CHANGED = "account-changed"
    RENAMED = "renamed"
    UNREACHABLE = "unreachable"
    UNREADABLE = "unreadable"

    @property
    def is_finding(self) -> bool:
        """A flag-worthy finding about the channel (not fine, and not a failure to look)."""
        return self not in (CheckOutcome.FINE, CheckOutcome.UNREACHABLE, CheckOutcome.UNREADABLE)

    @property
    def conclusive(self) -> bool:
        """The platform showed the checker the page (or said it is gone)."""
        return self not in (CheckOutcome.UNREACHABLE, CheckOutcome.UNREADABLE)


def checkable(platform: str) -> bool:
    """Channels on the listed platforms are checked; "Other" has no site the registry knows,
    so the checker never fetches one (it fetches only on the listed platforms' own hosts)."""
    return platform in URL_SHAPES


# --- Where the checker may go -------------------------------------------------------------


@dataclass(frozen=True)
class Hop:
    url: str | None  # the absolute address to fetch next, or None: not followed
    refused: str = ""  # why not, in a few words


def next_hop(platform: str, current_url: str, location: str) -> Hop:
    """Where a redirect from ``current_url`` to ``location`` goes, if the checker may follow
    it: https, on one of the platform's own hosts, its default port, no name before "@".
    Anything else is not followed."""
    shape = URL_SHAPES.get(platform)
    if shape is None:
        return Hop(None, "no platform site")
    location = location.strip()
    if not location or "\\" in location or any(ord(ch) < 33 or ord(ch) == 127 for ch in location):
        return Hop(None, "not an address")
    target = urljoin(current_url, location)
    try:
        parts = urlsplit(target)
        port = parts.port
        raw_host = parts.hostname
    except ValueError:
        return Hop(None, "not an address")
    if parts.scheme != "https":
        return Hop(None, f"not https: {target[:200]}")
    if "@" in parts.netloc or port not in (None, 443):
        return Hop(None, f"off the platform's site: {target[:200]}")
    host = ascii_host(raw_host)
    if host is None or host != (raw_host or "") or host not in shape.hosts:
        return Hop(None, f"off the platform's site: {target[:200]}")
    return Hop(target)


def on_platform(platform: str, url: str) -> bool:
    return next_hop(platform, url, url).url is not None


# Path segments where a platform puts something other than a profile (sign-in walls, an
# account's numeric address): an address starting with one names no handle.
_NOT_PROFILES = frozenset(
    {
        "login",
        "login.php",
        "accounts",
        "account",
        "checkpoint",
        "i",
        "signup",
        "authwall",
        "uas",
        "people",
        "pages",
        "profile.php",
        "channel",
        "c",
        "user",
        "home",
        "explore",
        "hashtag",
        "share",
        "watch",
        "intl",
    }
)


def _segments(url: str) -> list[str]:
    return [s for s in unquote(urlsplit(url).path).split("/") if s]


def handle_in_address(platform: str, url: str) -> str | None:
    """The handle an address on the platform's site names (without "@"), or None where the
    address is not a profile page (a sign-in wall, an id-based address, another site)."""
    shape = URL_SHAPES.get(platform)
    if shape is None or shape.prefix is None or not on_platform(platform, url):
        return None
    segments = _segments(url)
    prefix = list(shape.prefix)
    if len(segments) <= len(prefix) or [s.lower() for s in segments[: len(prefix)]] != prefix:
        return None
    segment = segments[len(prefix)]
    if shape.at_sign:
        return segment[1:] if segment.startswith("@") and len(segment) > 1 else None
    if segment.lower() in _NOT_PROFILES:
        return None
    return segment


def same_page(platform: str, url: str, channel_url: str) -> bool:
    """Whether ``url`` is the channel's own page: the same handle where addresses carry one,
    else the same path."""
    handle = handle_in_address(platform, channel_url)
    if handle is not None:
        seen = handle_in_address(platform, url)
        return seen is not None and seen.lower() == handle.lower()
    return [s.lower() for s in _segments(url)] == [s.lower() for s in _segments(channel_url)]


def sign_in_wall(platform: str, url: str) -> bool:
    """The platform sent the checker to a page that is no profile (to sign in, say)."""
    segments = _segments(url)
    return bool(segments) and segments[0].lower() in _NOT_PROFILES


# --- What a page says ---------------------------------------------------------------------


@dataclass(frozen=True)
class PageReading:
    title: str = ""  # og:title, else <title>
    address: str = ""  # canonical link, else og:url
    account_ids: frozenset[str] = frozenset()

    def as_record(self) -> dict:
        return {
            "title": self.title,
            "address": self.address,
            "account_ids": sorted(self.account_ids),
        }


class _HeadReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title_parts: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta":
            name = (values.get("property") or values.get("name") or "").lower()
            if name and name not in self.meta:
                self.meta[name] = values.get("content", "")
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or values.get("href", "")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title_parts) < 50:
            self.title_parts.append(data)


def _line(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]


def read_page(platform: str, markup: str) -> PageReading:
    """The page's name, its own address and the account ids it names."""
    reader = _HeadReader()
    try:
        reader.feed(markup)
        reader.close()
    except (AssertionError, ValueError):  # html.parser on markup it cannot follow
        pass
    title = _line(reader.meta.get("og:title", "")) or _line("".join(reader.title_parts))
    address = _line(reader.canonical or reader.meta.get("og:url", ""), 500)
    return PageReading(title, address, account_ids_named(platform, markup))


# --- What it means ------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """What fetching the channel's page gave."""

    status: int | None = None  # the last response's HTTP status; None if none came
    final_url: str = ""  # the address of the last response
    markup: str = ""  # its body as text, up to the cap
    truncated: bool = False  # the body was longer than the cap
    refused_hop: str = ""  # a redirect not followed, and why
    too_many_redirects: bool = False
    error: str = ""  # a connection or timeout error


@dataclass(frozen=True)
class Verdict:
    outcome: CheckOutcome
    reading: PageReading = field(default_factory=PageReading)
    # What was seen, for the flag and the record: short strings only.
    seen: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """What makes two findings the same finding (the same handle gone, the same new
        name): a flag is opened once for it, not every day it is seen again."""
        keys = sorted(k for k in self.seen if k in _FINGERPRINT_KEYS)
        return ";".join(f"{k}={self.seen[k]}" for k in keys)[:200]


_FINGERPRINT_KEYS = frozenset({"status", "handle", "name", "account_ids", "location", "days"})


def transient(status: int | None) -> bool:
    """A failure worth trying again later: the platform is busy or down, not the page gone."""
    return status is None or status == 429 or status >= 500


def judge(
    platform: str,
    handle: str,
    channel_url: str,
    recorded_account_id: str,
    known_name: str,
    fetched: Fetched,
) -> Verdict:
    """What the fetch says about the channel. ``known_name`` is the name the page showed when
    the check last found it fine (or accepted by the Communications team): "" the first time."""
    status = fetched.status
    if fetched.error or (status is not None and transient(status)) or status is None:
        return Verdict(
            CheckOutcome.UNREACHABLE,
            seen={"status": status, "error": _line(fetched.error, 200)},
        )
    if status in (404, 410):
        return Verdict(CheckOutcome.GONE, seen={"status": status})
    if fetched.refused_hop:
        return Verdict(
            CheckOutcome.REDIRECTED,
            seen={"location": _line(fetched.refused_hop, 300), "off_platform": True},
        )
    if fetched.too_many_redirects or status != 200:
        return Verdict(CheckOutcome.UNREADABLE, seen={"status": status})
    final_url = fetched.final_url or channel_url
    if not same_page(platform, final_url, channel_url):
        if sign_in_wall(platform, final_url):
            return Verdict(CheckOutcome.UNREADABLE, seen={"address": final_url[:300]})
        seen_handle = handle_in_address(platform, final_url) or ""
        return Verdict(
            CheckOutcome.REDIRECTED,
            seen={"location": final_url[:300], "handle": seen_handle},
        )
    reading = read_page(platform, fetched.markup)
    if (
        recorded_account_id
        and reading.account_ids
        and recorded_account_id not in reading.account_ids
    ):
        return Verdict(
            CheckOutcome.ACCOUNT_CHANGED,
            reading,
            {"account_ids": ",".join(sorted(reading.account_ids))[:200]},
        )
    named = (
        handle_in_address(platform, urljoin(final_url, reading.address))
        if reading.address
        else None
    )
    if named is not None and named.lower() != handle.strip().lstrip("@").lower():
        return Verdict(CheckOutcome.RENAMED, reading, {"handle": named[:100]})
    if known_name and reading.title and name_key(reading.title) != name_key(known_name):
        return Verdict(CheckOutcome.RENAMED, reading, {"name": reading.title, "was": known_name})
    return Verdict(CheckOutcome.FINE, reading)
