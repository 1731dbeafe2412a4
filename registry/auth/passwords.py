"""Password hashing with argon2id; cost from config so tests stay fast on the same code."""

from __future__ import annotations

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


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if password_hash is None:
        # Spend the same effort as a real check so timing does not reveal unknown emails.
        password_hash = hasher.hash(_DUMMY_PASSWORD)
        password = _DUMMY_PASSWORD + "x"
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
