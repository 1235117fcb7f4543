"""Domain errors of moderation; no HTTP here."""


class ModerationError(Exception):
    """A refused moderation step; `message` is one sentence for the user or moderator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ModerationNotPermitted(ModerationError):
    """The moderator lacks the permission the step needs, or may not take it (approving their own request)."""


class ModerationConflict(ModerationError):
    """The step does not fit the current state (a request already decided)."""


class ReportRefused(ModerationError):
    """A report that cannot be filed (duplicate, own project, invalid text)."""


class ReportRateLimited(ReportRefused):
    """The reporter filed too many reports recently; `retry_after` seconds until one more fits."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
