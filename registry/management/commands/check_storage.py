"""`manage.py check_storage [--repair]`: file rows whose bytes are gone, and stored bytes no row claims."""

from django.core.management.base import BaseCommand, CommandError

from registry.services.storage_check import storage_check


class Command(BaseCommand):
    help = (
        "Compare package storage with the file rows: report files whose bytes are missing, wheels whose "
        ".metadata is missing and stored bytes no file row claims. Exits with status 1 if any remain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Delete unclaimed bytes, rebuild missing .metadata files from their wheels, and remove the "
            "rows of files whose bytes are gone (journaled like an owner's removal).",
        )

    def handle(self, *args, repair, **options):
        report = storage_check(repair=repair)
        for line in report.lines():
            self.stdout.write(line)
        if repair and not report.clean:
            report = storage_check()  # what the repairs could not fix
        if not report.clean:
            raise CommandError(
                f"Storage is not consistent: {len(report.missing)} missing files, "
                f"{len(report.missing_metadata)} missing .metadata, {len(report.orphans)} unclaimed paths"
                + ("." if repair else "; run `python manage.py check_storage --repair` to fix them.")
            )
        self.stdout.write(
            f"Storage is consistent: {report.files} files, {report.stored} stored paths checked."
        )
