"""Masking personal data for public display (boards, notices): never a full name."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张*三: first and last character kept, the rest starred; a two-character name is 张*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"
