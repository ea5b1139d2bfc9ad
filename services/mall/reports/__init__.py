"""Reports of the mall: a counter's reconciliation of orders, points and stock."""
