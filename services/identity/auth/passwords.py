"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106).

A hash or a check costs ~0.3 s of CPU by design; it runs in a worker thread (argon2-cffi
releases the GIL), so one login never stalls every other request of the process.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the phone is unknown, so both paths take the same time.
_DUMMY = _hasher.hash("not-a-real-password")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def check_password(stored: str | None, password: str) -> bool:
    return await asyncio.to_thread(_check, stored, password)


def _check(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
