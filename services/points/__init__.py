"""The points service: points lists, the double-entry ledger, claims, holds, expiry, red lists."""
