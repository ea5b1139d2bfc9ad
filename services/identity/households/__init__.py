"""Households (户): a head and members, each person in at most one."""
