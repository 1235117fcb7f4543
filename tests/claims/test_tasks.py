"""The claims' Celery side on committed rows: the evidence task after filing, the hourly beat task, and its
place in the beat schedule. Tasks run on the session's worker when REDIS_URL is set, eagerly otherwise."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from moderation.claims.enums import ClaimState
from moderation.claims.models import Claim, ClaimEvidence
from moderation.claims.tasks import refresh_claim_evidence, run_claim_deadlines
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_beat_schedule_runs_the_deadlines_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["claims-deadlines"]
    assert entry == {"task": "moderation.claims.tasks.run_claim_deadlines", "schedule": 3600.0}
    assert entry["task"] in app.tasks


def test_evidence_is_gathered_when_a_claim_is_filed(settled, demo, carol, file_claim):
    claim = file_claim(carol)
    wait_for(lambda: ClaimEvidence.objects.filter(claim=claim).exists())
    evidence = ClaimEvidence.objects.get(claim=claim)
    assert evidence.data["project_name"] == "demo" and evidence.data["owners"][0]["username"] == "alice"
    refresh_claim_evidence.delay(claim_id=claim.pk)
    wait_for(lambda: ClaimEvidence.objects.filter(claim=claim).count() == 2)
    refresh_claim_evidence.delay(claim_id=999_999)  # a claim that is gone: nothing to do, no error


def test_the_beat_task_moves_overdue_cases(settled, demo, carol, moderator, file_claim):
    from moderation.claims import services

    claim = file_claim(carol)
    services.claim_request_info(claim=claim, actor=moderator, question="Which fork?")
    Claim.objects.filter(pk=claim.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    run_claim_deadlines.delay()
    wait_for(lambda: Claim.objects.get(pk=claim.pk).state == ClaimState.READY_FOR_DECISION)
    wait_for(lambda: any(message.subject == "[Wharf] Name claims need a decision" for message in mail.outbox))


def test_the_command_runs_the_clock_once(settled, demo, carol, moderator, file_claim):
    from io import StringIO

    from django.core.management import call_command

    claim = file_claim(carol)
    Claim.objects.filter(pk=claim.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("claim_deadlines", stdout=out)
    assert out.getvalue().strip() == "owners emailed again: 0, ready for decision: 0, overdue reminders: 1"
    assert Claim.objects.get(pk=claim.pk).reminded_at is not None
