"""Detached Ed25519 signatures over the open data's exact bytes: making and checking them.

No Flask and nothing of the registry's here, so a subscriber (another registry, a scanner) can
copy or import this one module to check what it fetched. What is signed is the response body,
byte for byte, as served: no canonical re-serialisation to get wrong, and no timestamp inside,
so a document and its signature fetched separately still match while the register is unchanged.

Verifying, by hand or in code:

1. fetch the document (e.g. ``/api/public/v1/channels.json``) and keep its body bytes as they
   came (do not re-encode the JSON);
2. take the signature from its ``Registry-Signature`` header, or fetch ``<document>.sig``;
3. fetch the key document ``/api/public/v1/keys.json`` once (and pin it: compare its key id
   with the one on the register's open-data page); pick the key whose ``key_id`` the
   signature names;
4. Ed25519-verify the signature (base64) over the body bytes with the raw 32-byte public key
   (base64): ``verify(keys, body, signature)`` below.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "ed25519"
HEADER = "Registry-Signature"
_HEADER_PART = re.compile(r'\s*([a-z_]+)="([^"]*)"\s*')


class SigningKeyError(ValueError):
    """A key file that cannot be used, in a sentence an operator can act on."""


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64 of the 64-byte Ed25519 signature

    def header(self) -> str:
        return f'keyid="{self.key_id}", algorithm="{ALGORITHM}", signature="{self.value}"'

    def as_json(self) -> dict[str, str]:
        return {"key_id": self.key_id, "algorithm": ALGORITHM, "signature": self.value}

    @classmethod
    def from_header(cls, header: str) -> Signature | None:
        parts = dict(_HEADER_PART.findall(header.replace(",", " ")))
        if parts.get("algorithm") != ALGORITHM or not parts.get("keyid"):
            return None
        return cls(parts["keyid"], parts.get("signature", ""))


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_bytes(key)).hexdigest()[:16]


def public_key_json(key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "key_id": key_id(key),
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(public_bytes(key)).decode("ascii"),
        "public_key_pem": key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii"),
    }


def sign(key: Ed25519PrivateKey, data: bytes) -> Signature:
    value = base64.b64encode(key.sign(data)).decode("ascii")
    return Signature(key_id(key.public_key()), value)


def verify(keys: dict[str, Ed25519PublicKey], data: bytes, signature: Signature) -> bool:
    """Whether ``signature`` is one of ``keys`` (by key id) over exactly ``data``."""
    key = keys.get(signature.key_id)
    if key is None:
        return False
    try:
        key.verify(base64.b64decode(signature.value, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def keys_from_document(document: dict) -> dict[str, Ed25519PublicKey]:
    """The public keys a key document (``keys.json``) lists, by key id; a listed id that does
    not match its key is left out, so a key document cannot name one key as another."""
    keys = {}
    for entry in document.get("keys", []):
        try:
            raw = base64.b64decode(entry["public_key"], validate=True)
            key = Ed25519PublicKey.from_public_bytes(raw)
        except (KeyError, TypeError, ValueError):
            continue
        if entry.get("algorithm") == ALGORITHM and entry.get("key_id") == key_id(key):
            keys[key_id(key)] = key
    return keys


def new_private_key_pem() -> tuple[bytes, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem, key


def write_new_private_key(path: Path) -> Ed25519PrivateKey:
    """A new key in a new file readable by its owner alone; an existing file is never
    overwritten (that would silently change the agency's published key)."""
    pem, key = new_private_key_pem()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise SigningKeyError(
            f"{path} already exists: a signing key is never overwritten. Choose another file, "
            "or remove the old one yourself once its public key is no longer published."
        ) from error
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise SigningKeyError(f"Cannot read the signing key {path}: {error.strerror}.") from error
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            f"{path} is not an unencrypted PEM private key (make one with "
            "`flask registry keys create`)."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key.")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key (PEM), or the public half of a private key file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SigningKeyError(f"Cannot read the key {path}: {error.strerror}.") from error
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        return load_private_key(path).public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key.")
    return key
