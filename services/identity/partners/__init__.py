"""Partner platforms and the signing secrets of their webhooks."""
