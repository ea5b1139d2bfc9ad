"""Points claims (申报 → 审核 → 公示 → vested) and the objections against them."""
