"""Pure rules about people: ID numbers (GB 11643), masking, verification states, who reviews."""

from __future__ import annotations

import re
from datetime import date

from kit.auth import Role
from kit.errors import Invalid
from kit.states import Transitions, transition

REVIEWERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")
LISTERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff", "grid_worker")
TRANSITIONS: Transitions = {  # verification state machine: (from, action) → to
    ("unverified", "submit"): "pending",
    ("rejected", "submit"): "pending",
    ("pending", "approve"): "verified",
    ("pending", "reject"): "rejected",
}

_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(raw: str, *, field: str = "id_number") -> str:
    """An 18-character resident ID number with a valid birth date and check character."""
    value = raw.strip().upper()
    if not _ID_NUMBER.match(value):
        raise Invalid("身份证号应为18位", field=field)
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise Invalid("身份证号中的出生日期无效", field=field) from None
    if born.year < 1900 or born > date.today():
        raise Invalid("身份证号中的出生日期无效", field=field)
    if id_check_char(value[:17]) != value[17]:
        raise Invalid("身份证号校验位不正确", field=field)
    return value


def mask_id_number(value: str) -> str:
    """510***********1234: region prefix and last four only."""
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}"


def next_status(current: str, action: str) -> str:
    """The verification status after `action`; 409 naming the actions allowed from `current`."""
    refused = f"实名认证状态为 {current}，不能执行此操作"
    return transition(TRANSITIONS, current, action, field="verification_status", detail=refused)


def status_after_move(current: str) -> str:
    """A self-service move to another community drops any verification, from every state:
    the new community's staff verify anew (they, not the old community, know who lives there).
    Not a TRANSITIONS action: it never refuses, and staff's 409s should not list it."""
    return "unverified"


def may_rename_self(verification_status: str) -> bool:
    """A verified name is the real name on the ID card: only staff's review changes it."""
    return verification_status != "verified"
