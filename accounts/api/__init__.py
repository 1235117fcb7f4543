"""REST API v1 of accounts: the caller (`/me/`) and API tokens (docs/api.md)."""
