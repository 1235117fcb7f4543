"""Domain errors of name claims; no HTTP here. Each carries one sentence for the person who acted."""


class ClaimError(Exception):
    """A refused claim action; `message` is shown to the claimant, the owner or the moderator as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ClaimConflict(ClaimError):
    """The claim clashes with another: the claimant already has an open claim on the name."""


class TransitionRefused(ClaimError):
    """The case is not in a state that allows this step, or a PEP 541 rule forbids it."""


class InvalidAnswerLink(ClaimError):
    """An owner's answer link is forged, expired or no longer matches the case."""
