"""Residents: registration, profile, real-name verification and the staff directory."""
