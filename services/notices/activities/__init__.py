"""Community activities: sign-up with a waiting list, rotating check-in codes, attendance."""
