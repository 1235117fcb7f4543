"""`manage.py seed_synthetic --projects N --files-per-project K [--exact-files] [--seed S] [--with-files]
[--force]`."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from registry.services.synthetic import RealUsersPresent, synthetic_index_seed


class Command(BaseCommand):
    help = (
        "Fill the database (and with --with-files, package storage) with a synthetic index of PyPI's shape: "
        "names, versions, wheels and sdists, yanks, journal entries and a few projects of 1,000+ files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True, help="How many projects to add.")
        parser.add_argument(
            "--files-per-project", type=int, default=10, help="Average files per project (default 10)."
        )
        parser.add_argument(
            "--exact-files",
            action="store_true",
            help="Give every project exactly --files-per-project files, and add no huge project.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Random seed: the same seed, the same index.")
        parser.add_argument(
            "--with-files", action="store_true", help="Also store each file's bytes and its .metadata."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database has real user accounts."
        )

    def handle(self, *args, projects, files_per_project, exact_files, seed, with_files, force, **options):
        if projects < 1 or files_per_project < 1:
            raise CommandError("--projects and --files-per-project must be at least 1.")
        started = time.monotonic()
        # Shown after half a second: a refusal (real users present) prints no empty bar before its sentence.
        bar = tqdm(total=projects, unit="project", disable=options["verbosity"] == 0, delay=0.5)
        try:
            report = synthetic_index_seed(
                projects=projects,
                files_per_project=files_per_project,
                seed=seed,
                with_files=with_files,
                exact_files=exact_files,
                force=force,
                progress=bar.update,
            )
        except RealUsersPresent as error:
            raise CommandError(str(error)) from error
        finally:
            bar.close()
        self.stdout.write(
            f"Added {report.projects} projects, {report.releases} releases, {report.files} files and "
            f"{report.journal_entries} journal entries in {time.monotonic() - started:.1f} s; "
            f"huge projects: {', '.join(report.huge_projects)}"
        )
