"""`manage.py claim_deadlines`: run the name claims' clock once (what Celery beat does hourly).

For installations without Celery beat (the embedded setup has no REDIS_URL, so no beat): run it from cron.
"""

from django.core.management.base import BaseCommand

from moderation.claims.services import claims_run_deadlines


class Command(BaseCommand):
    help = "Re-send owner emails, move claims past their deadline to 'ready for decision', remind moderators."

    def handle(self, *args, **options):
        report = claims_run_deadlines()
        self.stdout.write(
            f"owners emailed again: {len(report.reminded_owners)}, ready for decision: {len(report.ready)}, "
            f"overdue reminders: {len(report.overdue)}"
        )
