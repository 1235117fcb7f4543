"""Domain errors of the registry. Each carries one user-facing sentence; views map the class to a status."""


class UploadError(Exception):
    """Base of every refused upload; `message` is shown to the uploader as is.

    `retry_after` (seconds) is sent as `Retry-After` when trying again later can succeed.
    """

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class InvalidUpload(UploadError):
    """The request or the distribution file is malformed or breaks a packaging rule (400)."""


class InvalidFilename(InvalidUpload):
    """The distribution filename breaks a rule (unsafe characters, extension, PEP 625/427 form)."""


class InvalidMetadata(InvalidUpload):
    """The core metadata sent with the upload is invalid."""


class InvalidArchive(InvalidUpload):
    """The archive itself is not an acceptable distribution file."""


class UploadActionGone(UploadError):
    """The request asks for an action of the legacy API that PyPI retired (410)."""


class UploadNotPermitted(UploadError):
    """Authentication or authorization refused the upload (403)."""


class NameConflict(UploadError):
    """The project name conflicts with an existing project (409)."""


class RateLimited(UploadError):
    """Too many actions of this kind in a short time (429)."""


class IndexReadOnly(UploadError):
    """The index is in read-only mode (503)."""


class ServerBusy(UploadError):
    """The server has no room for another upload right now (503, with Retry-After)."""


class ManageError(Exception):
    """A change refused by the maintainers' web pages or the admin; `message` is one sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ManageNotPermitted(ManageError):
    """The user lacks the role the change needs (403)."""


class ManageConflict(ManageError):
    """The change does not fit the current state: already yanked, a role or invitation that exists, the last
    Owner, a quarantined project (the REST API answers 409; the pages, 400)."""
