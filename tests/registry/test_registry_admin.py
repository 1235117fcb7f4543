"""The registry's data admin (superusers): roles are shown, never edited there, because only the services keep
the last Owner, the journal and the audit trail."""

import pytest

from registry.models import Project, Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_roles_are_read_only_on_the_project_page(web, make_user, settings, publish):
    settings.WHARF_ADMIN_REQUIRE_2FA = False
    web.force_login(make_user("root", superuser=True))
    publish("demo", "1.0")
    project = Project.objects.get()
    page = web.get(f"/admin/registry/project/{project.pk}/change/").content.decode()
    assert "alice" in page
    assert 'name="roles-0-DELETE"' not in page and 'name="roles-0-role_name"' not in page
    assert Role.objects.filter(project=project, user__username="alice", role_name="Owner").exists()
