"""Shared building blocks for every service: no business rules live here."""
