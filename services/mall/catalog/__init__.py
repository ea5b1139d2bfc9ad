"""Exchange counters (兑换点), items on the shelf, and their stock per counter."""
