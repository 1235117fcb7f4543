"""What "public" means has one home (`registry.enums.PUBLIC_STATUSES`); every reader agrees with it."""

import pytest

from registry.enums import PUBLIC_STATUSES, ProjectStatus
from registry.models import Project
from registry.selectors import public_projects, public_q

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("status", list(ProjectStatus))
def test_every_reader_of_public_agrees(db, status):
    project = Project.objects.create(name="demo", normalized_name="demo", status=status)
    public = status in PUBLIC_STATUSES
    assert project.is_public is public
    assert public_projects().filter(pk=project.pk).exists() is public
    assert Project.objects.filter(public_q(), pk=project.pk).exists() is public


def test_quarantine_is_not_public():
    assert ProjectStatus.ACTIVE in PUBLIC_STATUSES and ProjectStatus.QUARANTINED not in PUBLIC_STATUSES
