"""Seed the prohibited project names with obvious typo traps (PyPI prohibits
`requirements.txt` and its look-alikes too).

`pip install requirements.txt` (without `-r`) and its cousins would install whatever project held the
name. Names are stored in PEP 503 normalized form, as the model requires.
"""

import re

from django.db import migrations

REASON = "Typo trap: `pip install {name}` is a slip for installing from the file, which must not install a project."
TYPO_TRAPS = [
    "requirements.txt",
    "rrequirements.txt",
    "requirement.txt",
    "requirements.in",
    "requirements-dev.txt",
    "dev-requirements.txt",
    "requirements-test.txt",
    "test-requirements.txt",
    "constraints.txt",
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "pipfile",
    "pipfile.lock",
]


def _normalize(name):
    # packaging.utils.canonicalize_name, frozen here so the migration does not change with the library.
    return re.sub(r"[-_.]+", "-", name).lower()


def seed(apps, schema_editor):
    ProhibitedProjectName = apps.get_model("moderation", "ProhibitedProjectName")
    for name in TYPO_TRAPS:
        ProhibitedProjectName.objects.get_or_create(
            name=_normalize(name), defaults={"reason": REASON.format(name=name)}
        )


def unseed(apps, schema_editor):
    ProhibitedProjectName = apps.get_model("moderation", "ProhibitedProjectName")
    ProhibitedProjectName.objects.filter(
        name__in=[_normalize(name) for name in TYPO_TRAPS], created_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_prohibited_names")]

    operations = [migrations.RunPython(seed, unseed)]
