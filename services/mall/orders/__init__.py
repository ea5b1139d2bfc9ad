"""Orders and the redemption saga with points: place, confirm or fail, pick up, cancel, expire."""
