"""Points expiry: the oldest unspent points leave the wallet after the community's years."""
