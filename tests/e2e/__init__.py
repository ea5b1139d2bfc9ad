"""End-to-end tests: the platform as launched, over HTTP and the broker."""
