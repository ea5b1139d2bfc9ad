"""Request-body bases every service shares: strict input, and the empty body of an action."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class In(BaseModel):
    """Base of request bodies: an unknown field is a 422, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class EmptyIn(In):
    """The body of an action that takes no input: `{}` or none at all."""
