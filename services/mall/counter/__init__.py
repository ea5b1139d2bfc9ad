"""Counter redemption: an operator redeems for a resident present at the counter, at once."""
