"""Writes of name claims: filing a claim and every step of the case (PEP 541).

Each step is one service that locks the case, asks `moderation.claims.transitions` whether the step is
allowed and what deadline follows, records a timeline event and an audit row, and enqueues its emails and a
fresh evidence snapshot for after the commit. Keyword-only arguments; `now` may be given (tests move the
clock forward with it) and defaults to the current time. Refusals raise ClaimError (TransitionRefused) with
one sentence and change nothing.

- `filing`: claim_file, claim_withdraw, claim_provide_info (the claimant);
- `review`: claim_start_review, claim_request_info, claim_contact_owners, claim_approve, claim_reject;
- `owners`: claim_owner_answer (signed link), claims_flag_release (new release while a claim is open);
- `clock`: claims_run_deadlines (Celery beat);
- `case`: what every step shares.
"""

from moderation.claims.evidence import evidence_refresh
from moderation.claims.services.clock import DeadlineReport, claims_run_deadlines
from moderation.claims.services.filing import (
    VERIFY_TO_CLAIM,
    claim_file,
    claim_provide_info,
    claim_refusal,
    claim_withdraw,
)
from moderation.claims.services.owners import claim_owner_answer, claims_flag_release
from moderation.claims.services.review import (
    claim_approve,
    claim_contact_owners,
    claim_reject,
    claim_request_info,
    claim_start_review,
)

__all__ = [
    "VERIFY_TO_CLAIM",
    "DeadlineReport",
    "claim_approve",
    "claim_contact_owners",
    "claim_file",
    "claim_owner_answer",
    "claim_provide_info",
    "claim_refusal",
    "claim_reject",
    "claim_request_info",
    "claim_start_review",
    "claim_withdraw",
    "claims_flag_release",
    "claims_run_deadlines",
    "evidence_refresh",
]
