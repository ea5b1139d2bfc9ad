from __future__ import annotations

from pydantic import BaseModel

from kit.idempotency import fingerprint


class Body(BaseModel):
    a: int
    b: str


def test_fingerprints_ignore_key_order_but_not_values() -> None:
    assert fingerprint({"a": 1, "b": "x"}) == fingerprint({"b": "x", "a": 1})
    assert fingerprint(Body(a=1, b="x")) == fingerprint({"a": 1, "b": "x"})
    assert fingerprint({"a": 1, "b": "x"}) != fingerprint({"a": 2, "b": "x"})
