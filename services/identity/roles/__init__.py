"""Staff role grants on org units, and the role claims tokens carry."""
