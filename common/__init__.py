"""Helpers every app may use. `common` imports no app (pyproject.toml's import contracts check it)."""
