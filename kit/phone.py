"""Mainland mobile numbers: normalising, and the keyed hash services match people by."""

from __future__ import annotations

import hashlib
import hmac
import re

from kit.errors import Invalid

_PHONE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """11 digits; spaces, dashes and a +86/0086/86 prefix are accepted and removed."""
    digits = re.sub(r"[\s\-()]", "", raw)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    if not _PHONE.match(digits):
        raise Invalid("手机号格式不正确", field=field)
    return digits


def keyed_hash(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def phone_hash(key: str, phone: str) -> str:
    """HMAC-SHA256 of the normalised phone under the platform key (identity and gateway)."""
    return keyed_hash(key, normalise_phone(phone))
