"""A person's access: the facts tokens carry (published on every change), disabling accounts."""
