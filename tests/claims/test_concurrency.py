"""Two moderators deciding at the same moment, on real connections in two threads: exactly one approval
wins, whether they approve the same claim or two claims on one name; the loser gets a sentence, not a second
owner."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from moderation.claims import services
from moderation.claims.enums import ClaimKind, ClaimState
from moderation.claims.exceptions import ClaimError
from moderation.claims.models import Claim
from registry.models import JournalEntry, Role
from tests.claims.conftest import CLAIM_TEXTS

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def ready_claim(user, moderator, *, t0):
    claim = services.claim_file(claimant=user, name="demo", kind=ClaimKind.TRANSFER, now=t0, **CLAIM_TEXTS)
    services.claim_start_review(claim=claim, actor=moderator, now=t0)
    services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
    for days in (15, 29, 43):
        services.claims_run_deadlines(now=t0 + timedelta(days=days))
    claim.refresh_from_db()
    assert claim.state == ClaimState.READY_FOR_DECISION
    return claim


def race(*calls):
    """Run each call in its own thread and connection, released together; returns ('ok'|message) per call."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = _retrying_while_locked(call)
        except ClaimError as error:
            results[index] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _retrying_while_locked(call) -> str:
    """The test database of SQLite is in memory with a shared cache, where a second writer is told "table is
    locked" at once instead of waiting as it does on Wharf's SQLite file (WAL, IMMEDIATE transactions, 30 s
    timeout): wait and retry here as that timeout would. PostgreSQL waits on the row lock by itself."""
    deadline = time.monotonic() + 30
    while True:
        try:
            call()
            return "ok"
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@pytest.fixture
def second_moderator(make_moderator):
    return make_moderator("mod2")


def test_two_moderators_approve_the_same_claim(settled, demo, carol, moderator, second_moderator):
    claim = ready_claim(carol, moderator, t0=timezone.now())
    results = race(
        lambda: services.claim_approve(claim=claim, actor=moderator, reason="first"),
        lambda: services.claim_approve(claim=claim, actor=second_moderator, reason="second"),
    )
    assert sorted(results) == ["This claim is approved, so it cannot be approved.", "ok"]
    assert list(Role.objects.values_list("user__username", "role_name")) == [("carol", "Owner")]
    assert JournalEntry.objects.filter(action="add Owner carol").count() == 1
    assert Claim.objects.get().decision_reason in {"first", "second"}


def test_two_moderators_approve_rival_claims_on_one_name(
    settled, demo, carol, make_user, moderator, second_moderator
):
    t0 = timezone.now()
    dave = make_user("dave")
    first = ready_claim(carol, moderator, t0=t0)
    second = ready_claim(dave, moderator, t0=t0)
    results = race(
        lambda: services.claim_approve(claim=first, actor=moderator, reason="carol"),
        lambda: services.claim_approve(claim=second, actor=second_moderator, reason="dave"),
    )
    assert sorted(results) == ["This claim is rejected, so it cannot be approved.", "ok"]
    owners = list(Role.objects.values_list("user__username", flat=True))
    assert owners in (["carol"], ["dave"])
    winner = Claim.objects.get(state=ClaimState.APPROVED)
    loser = Claim.objects.get(state=ClaimState.REJECTED)
    assert winner.claimant.username == owners[0]
    assert loser.decision_reason == (
        f"Another claim on 'demo' was approved (claim #{winner.pk}), so this one is closed."
    )
