"""Mainland mobile numbers: normalising, and the keyed hashes services match people by."""

from __future__ import annotations

import hashlib
import hmac
import re

from kit.errors import Invalid

_PHONE = re.compile(r"^1[3-9]\d{9}$")
# The last four characters of an 18-character resident ID number: three digits, then the
# check character (a digit or X).
_ID_LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")


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


def normalise_id_last4(raw: str, *, field: str = "id_last4") -> str:
    """The last four ID characters, upper-cased (a lowercase x is the check character X)."""
    value = raw.strip().upper()
    if not _ID_LAST4.match(value):
        raise Invalid("身份证号后四位格式不正确", field=field)
    return value


def counter_check(key: str, phone: str, id_last4: str) -> str:
    """HMAC-SHA256, under the phone_hash key, of "<normalised phone>:<ID last four>".

    E.g. "13800138000:002X". Counter staff identify an elderly resident by phone and the end
    of their ID number; the mall matches this hash and never sees either.
    """
    return keyed_hash(key, f"{normalise_phone(phone)}:{normalise_id_last4(id_last4)}")
