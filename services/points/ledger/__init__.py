"""The double-entry ledger: accounts, postings and entries, wallet arithmetic, reversal."""
