"""Password hashing with argon2id; cost from config so tests stay fast on the same code."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

# Verified against when the email is unknown, so both failures cost the same time.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST"],
    )


@functools.cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    """A hash at the configured cost, made once per process: an unknown email then costs
    one verify, exactly like a known one (hashing it on every attempt doubled the time)."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash(_DUMMY_PASSWORD)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if password_hash is None:
        # Spend the same effort as a real check so timing does not reveal unknown emails.
        password_hash = _dummy_hash(hasher.time_cost, hasher.memory_cost)
        password = _DUMMY_PASSWORD + "x"
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def prepare() -> None:
    """Make the dummy hash before the first sign-in, so the first unknown email is no slower."""
    hasher = _hasher()
    _dummy_hash(hasher.time_cost, hasher.memory_cost)
