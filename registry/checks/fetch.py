"""Fetching a channel's public page, and nothing else.

The checker starts from the channel's vouched address (it passes the one Channel URL rule)
and asks ``policy.channel_checks.next_hop`` before every request, so it only ever requests an
https address on the platform's own hosts; a redirect anywhere else is recorded, not followed.
It resolves the host itself and connects only to a public address (never loopback, private,
link-local or reserved), pinned for the request so a second DNS answer cannot move it; the TLS
certificate is checked for the platform's host name. Timeouts are short, the body is read up
to a cap, and the user agent says who is asking and where to read why.

``CHANNEL_CHECK_TEST_ORIGINS`` (testing and development only; production refuses to start
with it, and this module refuses it too) points a platform host at a loopback server that plays
the platform, over plain http: the addresses and every rule stay the platform's.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app

from registry.policy.channel_checks import Fetched, next_hop
from registry.policy.platforms import ascii_host

_DEV_ENVIRONMENTS = ("testing", "development")


class TestOriginsRefused(ValueError):
    """CHANNEL_CHECK_TEST_ORIGINS set where it must not be, or naming a non-loopback origin."""


def test_origins(setting: str, environment: str) -> dict[str, tuple[str, int]]:
    """The test setting read: platform host -> (loopback address, port). Refused outside
    testing and development, and for any origin that is not http on a loopback address."""
    origins: dict[str, tuple[str, int]] = {}
    if not setting.strip():
        return origins
    if environment not in _DEV_ENVIRONMENTS:
        raise TestOriginsRefused(
            "CHANNEL_CHECK_TEST_ORIGINS is for testing and development only: unset it."
        )
    for item in setting.split(","):
        host, _, origin = item.strip().partition("=")
        parts = urlsplit(origin.strip())
        try:
            address = ipaddress.ip_address(parts.hostname or "")
            port = parts.port
        except ValueError as error:
            raise TestOriginsRefused(
                f"CHANNEL_CHECK_TEST_ORIGINS: {item.strip()!r} is not host=http://127.0.0.1:PORT."
            ) from error
        if parts.scheme != "http" or not address.is_loopback or port is None or not host:
            raise TestOriginsRefused(
                f"CHANNEL_CHECK_TEST_ORIGINS: {item.strip()!r} is not host=http://127.0.0.1:PORT."
            )
        origins[host.strip().lower()] = (str(address), port)
    return origins


def user_agent() -> str:
    """Fixed: who is asking, and the page that says why (README "Channels that stay ours")."""
    config = current_app.config
    short = "".join(ch for ch in config["AGENCY_SHORT_NAME"] if ch.isascii() and ch.isalnum())
    return (
        f"{short or 'Agency'}-channel-registry-checker/1.0 "
        f"(+{config['CHANNEL_CHECK_INFO_URL']}; checks the agency's own accounts once a day)"
    )


class FetchRefused(Exception):
    """The host resolves to no public address: the checker does not go there."""


def _public_address(host: str) -> str:
    try:
        answers = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except OSError as error:
        raise OSError(f"{host} could not be resolved: {error}") from error
    addresses = [answer[4][0] for answer in answers]
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise FetchRefused(f"{host} resolves to a private address ({address})")
    return addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to ``host`` at the address already vetted, with the certificate checked for
    ``host``."""

    def __init__(self, host: str, address: str, timeout: float) -> None:
        super().__init__(host, 443, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, 443), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


@dataclass
class Fetch:
    """One page fetched, and every address requested on the way (``requested``)."""

    platform: str
    requested: list[str] = field(default_factory=list)


def _connection(host: str, timeout: float) -> http.client.HTTPConnection:
    config = current_app.config
    origins = test_origins(config["CHANNEL_CHECK_TEST_ORIGINS"], config["ENV_NAME"])
    if host in origins:
        address, port = origins[host]
        return http.client.HTTPConnection(address, port, timeout=timeout)
    return _PinnedHTTPSConnection(host, _public_address(host), timeout)


def _read_body(
    response: http.client.HTTPResponse, limit: int, deadline: float
) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        if time.monotonic() > deadline:
            raise TimeoutError("the page took too long to arrive")
        chunk = response.read1(min(65536, limit + 1 - size))
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)[:limit], True


def _text(body: bytes, content_type: str) -> str:
    if content_type and "html" not in content_type.lower():
        return ""
    charset = "utf-8"
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip("\"' ")
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def fetch(platform: str, channel_url: str, into: Fetch | None = None) -> Fetched:
    """Fetch the channel's page (``channel_url``, already vouched), following redirects only
    on the platform's own hosts and at most CHANNEL_CHECK_MAX_REDIRECTS of them."""
    config = current_app.config
    timeout = config["CHANNEL_CHECK_TIMEOUT_SECONDS"]
    deadline = time.monotonic() + config["CHANNEL_CHECK_DEADLINE_SECONDS"]
    log = into or Fetch(platform)
    hop = next_hop(platform, channel_url, channel_url)
    if hop.url is None:
        return Fetched(refused_hop=hop.refused)
    url = hop.url
    status = None
    for _redirect in range(config["CHANNEL_CHECK_MAX_REDIRECTS"] + 1):
        parts = urlsplit(url)
        host = ascii_host(parts.hostname) or ""
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection = _connection(host, timeout)
        except FetchRefused as error:
            return Fetched(final_url=url, error=str(error))
        try:
            log.requested.append(url)
            connection.request(
                "GET",
                path,
                headers={
                    "Host": host,
                    "User-Agent": user_agent(),
                    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                    "Accept-Language": "en-NZ,en;q=0.8",
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            status = response.status
            if 300 <= status < 400 and response.getheader("Location") is not None:
                location = response.getheader("Location") or ""
                hop = next_hop(platform, url, location)
                if hop.url is None:
                    return Fetched(status=status, final_url=url, refused_hop=location[:500])
                url = hop.url
                continue
            body, truncated = _read_body(response, config["CHANNEL_CHECK_MAX_BYTES"], deadline)
            markup = _text(body, response.getheader("Content-Type") or "")
            return Fetched(status=status, final_url=url, markup=markup, truncated=truncated)
        except (OSError, http.client.HTTPException) as error:
            return Fetched(final_url=url, error=f"{type(error).__name__}: {error}"[:300])
        finally:
            connection.close()
    return Fetched(status=status, final_url=url, too_many_redirects=True)
