"""The identity service: org tree, residents, households, staff roles, login and tokens."""
