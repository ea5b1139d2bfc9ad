"""The notices service: affairs disclosure notices, community activities, each person's inbox."""
