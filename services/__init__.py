"""The five services. None imports another (import-linter enforces it)."""
