"""Domain errors of accounts; no HTTP here."""


class TokenRejected(Exception):
    """An API token that does not authenticate. `message` says why, in PyPI's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AccountError(Exception):
    """A refused account change; `message` is one sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
