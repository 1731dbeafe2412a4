"""SMP-WEBSITE-LINK and SMP-RELATED-LINKS: the profile links to the agency website and channels."""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from registry.policy.content import Agency, ProposalContent
from registry.policy.messages import N_
from registry.policy.platforms import ascii_host
from registry.policy.rules.base import Finding, is_blank_char, shown, visible_length

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
        typed = shown(link)
        url = _web_url(link)
        if url is None:
            suggestion = _https_suggestion(link)
            if suggestion is None:
                findings.append(
                    Finding.of(
                        N_(
                            "“%(link)s” in the Profile links is not a web address. Use a full"
                            " address starting with https://, or remove it."
                        ),
                        "profile_links",
                        link=typed,
                    )
                )
                continue
            near_miss = near_miss or domain in link.lower()
            if link.lower().startswith(("http", "/")):
                template = N_(
                    "“%(link)s” in the Profile links is not a full web address: write it as"
                    " “%(suggestion)s”."
                )
            else:
                template = N_(
                    "Add https:// to the start of “%(link)s” in the Profile links:"
                    " “%(suggestion)s”."
                )
            findings.append(
                Finding.of(template, "profile_links", link=typed, suggestion=shown(suggestion))
            )
            continue

        mentions_agency = bool(domain) and domain in url.netloc
        if url.has_userinfo:
            near_miss = near_miss or mentions_agency
            if mentions_agency:
                template = N_(
                    "“%(link)s” in the Profile links does not go where it seems: the part before"
                    " “@” hides the real site, %(host)s. Remove everything up to and including"
                    " “@”, or link to %(home)s instead."
                )
            else:
                template = N_(
                    "“%(link)s” in the Profile links does not go where it seems: the part before"
                    " “@” hides the real site, %(host)s. Remove everything up to and including"
                    " “@”."
                )
            findings.append(
                Finding.of(template, "profile_links", link=typed, host=url.host, home=home)
            )
        elif _on_domain(url.host, domain):
            if url.scheme == "https":
                linked = True
            else:
                near_miss = True
                findings.append(
                    Finding.of(
                        N_("Change “%(link)s” in the Profile links to use https: “%(fixed)s”."),
                        "profile_links",
                        link=typed,
                        fixed=shown("https" + link[4:]),
                    )
                )
        elif mentions_agency:
            near_miss = True
            findings.append(
                Finding.of(
                    N_(
                        "“%(link)s” in the Profile links goes to %(host)s, not %(domain)s. Link"
                        " to %(home)s or a page on it instead."
                    ),
                    "profile_links",
                    link=typed,
                    host=url.host,
                    domain=domain,
                    home=home,
                )
            )
    if not linked and not near_miss:
        findings.append(
            Finding.of(
                N_("Add a link to %(home)s to the Profile links."), "profile_links", home=home
            )
        )
    return findings


# --- SMP-RELATED-LINKS ---------------------------------------------------------------------

_MIN_REASON = 10


def check_related_links(content: ProposalContent, agency: Agency) -> list[Finding]:
    findings = [
        Finding.of(
            N_("“%(channel)s” is no longer an active channel: remove it from Related channels."),
            "related_channels",
            channel=shown(channel.name),
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
            Finding.of(
                N_(
                    "Select at least one active channel under Related channels, or explain under"
                    " Reason no related channel applies why no other channel of ours is relevant."
                ),
                "related_channels",
            )
        )
    else:
        findings.append(
            Finding.of(
                N_(
                    "Explain in a full sentence (at least %(minimum)s characters) why no other"
                    " channel of ours is relevant, or select a related channel instead."
                ),
                "no_related_reason",
                minimum=_MIN_REASON,
            )
        )
    return findings
