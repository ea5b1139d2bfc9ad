"""The mall service: exchange counters, items and stock, orders and pickup, the redemption saga."""
