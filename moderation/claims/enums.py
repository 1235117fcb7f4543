"""Choices of name claims: what is asked, where the case stands, what happened on it, what owners answer."""

from django.db import models


class ClaimKind(models.TextChoices):
    """What the claimant asks for (PEP 541: a transfer, or becoming a maintainer; plus squatting)."""

    TRANSFER = "transfer", "Abandoned project: transfer ownership to me"
    MAINTAINER = "maintainer", "Abandoned project: add me as maintainer"
    SQUATTING = "squatting", "Invalid project / name squatting"
    OTHER = "other", "Other (for example an appeal of a name refusal)"


class ClaimState(models.TextChoices):
    """Where a case stands. The allowed moves between states live in `moderation.claims.transitions`."""

    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in-review", "In review"
    INFO_REQUESTED = "info-requested", "Waiting for the claimant"
    OWNERS_CONTACTED = "owners-contacted", "Owners contacted"
    WAITING_FOR_OWNERS = "waiting-for-owners", "Waiting for owners"
    READY_FOR_DECISION = "ready-for-decision", "Ready for decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ClaimEventKind(models.TextChoices):
    """One step on a case's timeline."""

    FILED = "filed", "Claim filed"
    REVIEW_STARTED = "review-started", "Review started"
    INFO_REQUESTED = "info-requested", "More information requested"
    INFO_PROVIDED = "info-provided", "Claimant answered"
    OWNERS_CONTACTED = "owners-contacted", "Owners contacted"
    OWNERS_REMINDED = "owners-reminded", "Owners contacted again"
    OWNER_ANSWERED = "owner-answered", "An owner answered"
    DEADLINE_PASSED = "deadline-passed", "Deadline passed"
    NEW_RELEASE = "new-release", "New release by the project's maintainers"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Closed: another claim on the name was approved"
    WITHDRAWN = "withdrawn", "Withdrawn by the claimant"
    ADMINS_REMINDED = "admins-reminded", "Moderators reminded"


# Steps the claimant does not see on their claim page (internal bookkeeping of the moderators).
PRIVATE_EVENT_KINDS = frozenset({ClaimEventKind.ADMINS_REMINDED})


class OwnerAnswer(models.TextChoices):
    """What an owner answers through the link in a contact email."""

    KEEP = "keep", "Keep my project: I am still maintaining it"
    TRANSFER = "transfer", "I agree to transfer the project to the claimant"
    MAINTAINER = "maintainer", "Add the claimant as a maintainer, and I stay owner"


class ApprovalOutcome(models.TextChoices):
    """What approving a claim does to the registry (decided by `transitions.approval_outcome`)."""

    TRANSFER = "transfer", "Claimant becomes Owner"
    ADD_MAINTAINER = "add-maintainer", "Claimant becomes Maintainer; the owners stay"
    FREE_NAME = "free-name", "Name freed for the claimant: the squatted project is handed over"
    RECORD_ONLY = "record-only", "Decision recorded; no change to the project"


class Criterion(models.TextChoices):
    """Status of one PEP 541 criterion in the evidence checklist."""

    MET = "met", "Met"
    NOT_MET = "not-met", "Not met"
    UNKNOWN = "unknown", "Unknown"
