"""The points list (积分清单): its versions, item matching, and each community's policy."""
