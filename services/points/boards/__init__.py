"""Red lists (红榜): the score aggregates ranked, names masked for the public."""
