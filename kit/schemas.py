"""Request-body bases every service shares: strict input, and the empty body of an action."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

NUL_REFUSED = "不能包含空字符 (U+0000)"


def refuse_nul(value: Any) -> Any:
    """`value` unchanged, or ValueError if any string in it holds U+0000, which PostgreSQL's
    text and jsonb cannot store (left to the database, it is a 500). Nested `In` models check
    themselves, so their errors name the nested field."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(NUL_REFUSED)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            refuse_nul(item)
    return value


class In(BaseModel):
    """Base of request bodies: an unknown field is a 422, never silently dropped, and so is a
    string holding U+0000 (named by its field)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


class EmptyIn(In):
    """The body of an action that takes no input: `{}` or none at all."""
