"""Residents' accounts: opened and kept current from identity's events, read by their owner."""
