"""Request models of disabling an account."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from kit.schemas import In

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class DisableIn(In):
    reason: Reason
