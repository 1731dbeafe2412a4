"""Fetching another agency's signed channels document, checking its signature with the key the
administrator set, and reading it. Nothing here writes to the database.

The order matters: the signature is checked over the bytes exactly as they came, before a
byte of them is parsed, so a document we cannot vouch for is never read at all. The format
is the one the registry publishes itself (``api/open_data.py``: ``channel-register``,
version 1, signed by ``registry/signing.py``).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app

from registry import signing
from registry.federation.models import Refusal
from registry.policy.accounts import handle_key, name_key

FORMAT = "channel-register"
FORMAT_VERSIONS = (1,)
# A register with more channels than this is not a register we can read sensibly.
MAX_CHANNELS = 100_000
_REDIRECTS = 3


class FeedRefused(Exception):
    """Why a fetched document is not used, in words for the administrator."""

    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(detail)
        self.refusal = refusal
        self.detail = detail

    @property
    def retry_may_help(self) -> bool:
        """Only a server that did not answer may answer later; a document that fails its
        signature will fail it again until the agency fixes it (the next scheduled fetch)."""
        return self.refusal is Refusal.UNREACHABLE


class KeyProblem(ValueError):
    """A public key an administrator typed that is not an Ed25519 public key."""


def parse_public_key(text: str) -> Ed25519PublicKey:
    """The key as an agency publishes it: PEM (``public_key_pem``) or the raw 32 bytes in
    base64 (``public_key``, as in the agency's ``keys.json``)."""
    text = text.strip()
    if "BEGIN" in text:
        try:
            key = serialization.load_pem_public_key(text.encode("ascii", "replace"))
        except (ValueError, TypeError) as error:
            raise KeyProblem("not a PEM public key") from error
        if not isinstance(key, Ed25519PublicKey):
            raise KeyProblem("not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as error:
        raise KeyProblem("not a base64 Ed25519 public key") from error


def key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(signing.public_bytes(key)).decode("ascii")


@dataclass(frozen=True)
class Fetched:
    body: bytes
    signature_header: str | None
    url: str


def user_agent() -> str:
    config = current_app.config
    base = config.get("BASE_URL") or ""
    return f"channel-registry-feed-fetcher/1 ({config['AGENCY_NAME']}; {base})".replace("; )", ")")


def _same_origin(first: str, second: str) -> bool:
    a, b = urlsplit(first), urlsplit(second)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def _get(url: str) -> requests.Response:
    """GET ``url``, following redirects on its own host only (a redirect elsewhere could hand
    us someone else's document; it would fail the signature, but we do not even ask)."""
    config = current_app.config
    timeout = config["FEEDS_TIMEOUT_SECONDS"]
    headers = {"User-Agent": user_agent(), "Accept": "application/json"}
    current = url
    for _hop in range(_REDIRECTS + 1):
        try:
            response = requests.get(
                current,
                headers=headers,
                timeout=(timeout, timeout),
                allow_redirects=False,
                stream=True,
            )
        except requests.RequestException as error:
            raise FeedRefused(Refusal.UNREACHABLE, f"{type(error).__name__}: {error}") from error
        if response.is_redirect:
            target = urljoin(current, response.headers.get("Location", ""))
            response.close()
            if not _same_origin(url, target):
                raise FeedRefused(Refusal.UNREACHABLE, f"Redirected to another host: {target}")
            current = target
            continue
        if response.status_code != 200:
            response.close()
            raise FeedRefused(Refusal.UNREACHABLE, f"The server answered {response.status_code}.")
        return response
    raise FeedRefused(Refusal.UNREACHABLE, "Too many redirects.")


def _read_capped(response: requests.Response) -> bytes:
    limit = current_app.config["FEEDS_MAX_BYTES"]
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise FeedRefused(Refusal.TOO_LARGE, f"{declared} bytes; the limit is {limit}.")
    # The read timeout bounds each wait for bytes; this bounds the whole download, so a
    # server sending a byte at a time cannot hold a worker for long.
    deadline = time.monotonic() + 3 * current_app.config["FEEDS_TIMEOUT_SECONDS"]
    body = bytearray()
    try:
        for chunk in response.iter_content(64 * 1024):
            body += chunk
            if len(body) > limit:
                raise FeedRefused(Refusal.TOO_LARGE, f"More than {limit} bytes.")
            if time.monotonic() > deadline:
                raise FeedRefused(Refusal.UNREACHABLE, "The download took too long.")
    except requests.RequestException as error:
        raise FeedRefused(Refusal.UNREACHABLE, f"{type(error).__name__}: {error}") from error
    finally:
        response.close()
    return bytes(body)


def fetch(url: str) -> Fetched:
    response = _get(url)
    header = response.headers.get(signing.HEADER)
    body = _read_capped(response)
    if not header:
        # The detached signature at ``<document>.sig``, for a server that drops the header.
        header = _detached_signature(url)
    return Fetched(body, header, url)


def _detached_signature(url: str) -> str | None:
    try:
        response = _get(url.split("?", 1)[0] + ".sig")
    except FeedRefused:
        return None
    text = _read_capped(response)[:4096].decode("utf-8", "replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return text  # the header's own spelling
    if isinstance(parsed, dict) and parsed.get("key_id") and parsed.get("signature"):
        return signing.Signature(str(parsed["key_id"]), str(parsed["signature"])).header()
    return None


def verify(fetched: Fetched, key: Ed25519PublicKey) -> None:
    """Refuses unless the stored key signed exactly these bytes."""
    signature = signing.Signature.from_header(fetched.signature_header or "")
    if signature is None:
        raise FeedRefused(Refusal.UNSIGNED, "No Ed25519 signature came with the document.")
    expected = signing.key_id(key)
    if signature.key_id != expected:
        raise FeedRefused(
            Refusal.WRONG_KEY,
            f"Signed with key {signature.key_id[:64]}; the subscription's key is {expected}.",
        )
    if not signing.verify({expected: key}, fetched.body, signature):
        raise FeedRefused(
            Refusal.BAD_SIGNATURE,
            "The signature does not match the document: it was changed after it was signed.",
        )


@dataclass(frozen=True)
class ListedChannel:
    name: str
    platform: str
    platform_label: str
    handle: str
    channel_url: str
    official: bool
    closes_on: date | None
    register_url: str

    @property
    def handle_key(self) -> str:
        return handle_key(self.handle)[:200]

    @property
    def name_key(self) -> str:
        return name_key(self.name)[:200]


def _text(entry: dict[str, Any], name: str, limit: int, required: bool = True) -> str:
    value = entry.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise FeedRefused(Refusal.MALFORMED, f"A channel's {name!r} is missing or not text.")
    return value.strip()


def _day(entry: dict[str, Any]) -> date | None:
    value = entry.get("closes_on")
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise FeedRefused(Refusal.MALFORMED, f"A closing date is not a date: {value!r}") from error


def _channel(entry: object, register_url: str) -> ListedChannel:
    if not isinstance(entry, dict):
        raise FeedRefused(Refusal.MALFORMED, "A channel is not an object.")
    state = entry.get("state")
    if state not in ("active", "closing", "closed"):
        raise FeedRefused(Refusal.MALFORMED, f"A channel's state is not known: {state!r}")
    own_page = _text(entry, "register_url", 2000, required=False)
    platform = _text(entry, "platform_key", 40)
    return ListedChannel(
        name=_text(entry, "name", 300),
        platform=platform,
        platform_label=_text(entry, "platform", 200, required=False) or platform,
        handle=_text(entry, "handle", 300),
        channel_url=_text(entry, "channel_url", 2000, required=False),
        official=state != "closed",
        closes_on=_day(entry),
        # Only a page on the register's own site is linked from our lookup.
        register_url=own_page if own_page and _same_origin(own_page, register_url) else "",
    )


def read(body: bytes, register_url: str) -> list[ListedChannel]:
    """The channels a verified document lists; refuses a document we cannot read whole."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FeedRefused(Refusal.MALFORMED, f"Not JSON: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FeedRefused(Refusal.MALFORMED, f"Not a {FORMAT} document.")
    if document.get("format_version") not in FORMAT_VERSIONS:
        raise FeedRefused(
            Refusal.MALFORMED, f"Format version {document.get('format_version')!r} is not known."
        )
    entries = document.get("channels")
    if not isinstance(entries, list) or len(entries) > MAX_CHANNELS:
        raise FeedRefused(Refusal.MALFORMED, "Its channels are not a list.")
    return [_channel(entry, register_url) for entry in entries]
