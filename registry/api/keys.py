"""The agency's open-data signing keys, from configuration, and ``flask registry keys create``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from registry import signing
from registry.api.open_data import FORMAT_VERSION, agency_json


def signing_key() -> Ed25519PrivateKey | None:
    """The current key, or None when the agency has not set one (the data goes out unsigned).
    A key file that is set but unusable is refused when the app starts (``check_keys``)."""
    path = current_app.config.get("OPEN_DATA_SIGNING_KEY_FILE")
    return signing.load_private_key(Path(path)) if path else None


def previous_key() -> Ed25519PublicKey | None:
    path = current_app.config.get("OPEN_DATA_PREVIOUS_KEY_FILE")
    return signing.load_public_key(Path(path)) if path else None


def check_keys(config: dict[str, Any]) -> str | None:
    """What is wrong with the configured key files, in a sentence; None when they load."""
    try:
        if config.get("OPEN_DATA_SIGNING_KEY_FILE"):
            signing.load_private_key(Path(config["OPEN_DATA_SIGNING_KEY_FILE"]))
        if config.get("OPEN_DATA_PREVIOUS_KEY_FILE"):
            signing.load_public_key(Path(config["OPEN_DATA_PREVIOUS_KEY_FILE"]))
    except signing.SigningKeyError as error:
        return str(error)
    return None


def sign(body: bytes) -> signing.Signature | None:
    key = signing_key()
    return signing.sign(key, body) if key else None


def keys_document() -> dict[str, Any]:
    """Every public key a signature may name: the current one, then the previous one while
    subscribers move over. ``signed`` false says the data is served unsigned."""
    current, previous = signing_key(), previous_key()
    keys = []
    if current is not None:
        keys.append({**signing.public_key_json(current.public_key()), "status": "current"})
    if previous is not None and (
        current is None or signing.key_id(previous) != signing.key_id(current.public_key())
    ):
        keys.append({**signing.public_key_json(previous), "status": "previous"})
    return {
        "format": "signing-keys",
        "format_version": FORMAT_VERSION,
        "agency": agency_json(),
        "signed": current is not None,
        "algorithm": signing.ALGORITHM,
        "keys": keys,
    }


@click.group("keys")
def keys_command() -> None:
    """The open data's signing key."""


@keys_command.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create_key_command(path: Path) -> None:
    """Write a new Ed25519 private key to PATH (readable by its owner only; an existing file is
    never overwritten) and print its public key. Then set OPEN_DATA_SIGNING_KEY_FILE=PATH."""
    try:
        key = signing.write_new_private_key(path)
    except (signing.SigningKeyError, OSError) as error:
        raise click.ClickException(str(error)) from error
    public = signing.public_key_json(key.public_key())
    click.echo(f"Wrote a new signing key to {path} (mode 0600). Keep it secret and backed up.")
    click.echo(f"Set OPEN_DATA_SIGNING_KEY_FILE={path} to sign the open data with it.")
    click.echo(f"Key id: {public['key_id']}")
    click.echo(public["public_key_pem"].rstrip())
    click.echo(json.dumps(public, sort_keys=True))
