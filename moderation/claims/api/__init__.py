"""REST API v1 of name claims: whether a name is free (`/names/<name>/`) and a user's claims (docs/api.md)."""
