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


class TokenNotPermitted(AccountError):
    """The token or account lacks what the change needs, e.g. a permission a new token would exceed (403)."""


class EmailNotVerified(AccountError):
    """The account has no verified primary email address, which the action needs (as on PyPI).

    `reason` says why in one sentence; `url` is the account's email page, where the user fixes it. HTML
    pages show the reason with a link (see `accounts.decorators`); `message` (for plain-text clients and
    form errors) is the reason followed by the page's address.
    """

    def __init__(self, reason: str, url: str):
        super().__init__(f"{reason} Manage your email addresses at {url}")
        self.reason = reason
        self.url = url
