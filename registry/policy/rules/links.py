"""SMP-WEBSITE-LINK and SMP-RELATED-LINKS: the profile links to the agency website and channels."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from registry.policy.content import Agency, ProposalContent
from registry.policy.platforms import ascii_host
from registry.policy.rules.base import Finding, is_blank_char, quoted, visible_length

# --- SMP-WEBSITE-LINK ----------------------------------------------------------------------

_BARE_ADDRESS = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\.?(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE
)


class _WebUrl(NamedTuple):
    scheme: str
    host: str
    netloc: str
    has_userinfo: bool


def _web_url(link: str) -> _WebUrl | None:
    """The parts of an http(s) address, or None if ``link`` is not one."""
    # A backslash is read as "/" by browsers but not by urlsplit, so the two would disagree
    # about which site the link goes to; hidden characters disguise an address.
    if "\\" in link or any(is_blank_char(ch) for ch in link):
        return None
    try:
        parts = urlsplit(link)
        raw_host = parts.hostname
        _ = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc or not raw_host:
        return None
    host = ascii_host(raw_host)
    if host is None:
        return None
    return _WebUrl(scheme, host, parts.netloc.lower(), "@" in parts.netloc)


def _https_suggestion(link: str) -> str | None:
    """``https://`` + the address, when ``link`` is an address missing (or mangling) it."""
    rest = re.sub(r"^(?:https?:)?/*", "", link, flags=re.IGNORECASE)
    if rest and _BARE_ADDRESS.fullmatch(rest):
        return "https://" + rest
    return None


def _on_domain(host: str, domain: str) -> bool:
    return bool(domain) and (host == domain or host.endswith("." + domain))


def check_website_link(content: ProposalContent, agency: Agency) -> list[Finding]:
    domain = ascii_host(agency.domain.strip()) or agency.domain.strip().lower()
    home = f"https://{domain}"
    findings: list[Finding] = []
    linked = False
    near_miss = False
    for raw in content.profile_links:
        link = raw.strip()
        if visible_length(link) == 0:
            continue
        shown = quoted(link)
        url = _web_url(link)
        if url is None:
            suggestion = _https_suggestion(link)
            if suggestion is not None:
                near_miss = near_miss or domain in link.lower()
                if link.lower().startswith(("http", "/")):
                    message = (
                        f"{shown} in the Profile links is not a full web address: write it as"
                        f" {quoted(suggestion)}."
                    )
                else:
                    message = (
                        f"Add https:// to the start of {shown} in the Profile links:"
                        f" {quoted(suggestion)}."
                    )
            else:
                message = (
                    f"{shown} in the Profile links is not a web address. Use a full address"
                    " starting with https://, or remove it."
                )
            findings.append(Finding(message, "profile_links"))
            continue

        mentions_agency = bool(domain) and domain in url.netloc
        if url.has_userinfo:
            near_miss = near_miss or mentions_agency
            instead = f", or link to {home} instead" if mentions_agency else ""
            findings.append(
                Finding(
                    f"{shown} in the Profile links does not go where it seems: the part before"
                    f" “@” hides the real site, {url.host}. Remove everything up to and"
                    f" including “@”{instead}.",
                    "profile_links",
                )
            )
        elif _on_domain(url.host, domain):
            if url.scheme == "https":
                linked = True
            else:
                near_miss = True
                findings.append(
                    Finding(
                        f"Change {shown} in the Profile links to use https:"
                        f" {quoted('https' + link[4:])}.",
                        "profile_links",
                    )
                )
        elif mentions_agency:
            near_miss = True
            findings.append(
                Finding(
                    f"{shown} in the Profile links goes to {url.host}, not {domain}. Link to"
                    f" {home} or a page on it instead.",
                    "profile_links",
                )
            )
    if not linked and not near_miss:
        findings.append(Finding(f"Add a link to {home} to the Profile links.", "profile_links"))
    return findings


# --- SMP-RELATED-LINKS ---------------------------------------------------------------------

_MIN_REASON = 10


def check_related_links(content: ProposalContent, agency: Agency) -> list[Finding]:
    findings = [
        Finding(
            f"{quoted(channel.name)} is no longer an active channel: remove it from Related"
            " channels.",
            "related_channels",
        )
        for channel in content.related_channels
        if not channel.active
    ]
    if any(channel.active for channel in content.related_channels):
        return findings
    reason = visible_length(content.no_related_reason)
    if reason >= _MIN_REASON:
        return findings
    if reason == 0:
        findings.append(
            Finding(
                "Select at least one active channel under Related channels, or explain under"
                " Reason no related channel applies why no other channel of ours is relevant.",
                "related_channels",
            )
        )
    else:
        findings.append(
            Finding(
                "Explain in a full sentence (at least 10 characters) why no other channel of"
                " ours is relevant, or select a related channel instead.",
                "no_related_reason",
            )
        )
    return findings
