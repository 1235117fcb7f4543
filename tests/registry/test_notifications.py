"""Owners are told: each event emails every Owner and the actor (never a Maintainer who did nothing), with
one template per event in plain text and HTML; every link of every email template is built from
WHARF_SITE_URL (tested with a non-default port)."""

import re
from contextlib import nullcontext
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string

from accounts.models import User
from accounts.services import token_create
from registry.enums import RoleName
from registry.models import File, Project, Release, Role
from registry.notifications import ACCOUNT_EVENTS, EVENTS, PROJECT_EVENTS
from registry.services.archiving import project_archive, project_unarchive
from registry.services.files import file_remove
from registry.services.projects import project_remove
from registry.services.publishing import PublisherFields, publisher_add, publisher_remove
from registry.services.releases import release_remove, release_unyank, release_yank
from registry.services.roles import invitation_accept, role_change, role_invite, role_remove
from tests import builders
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SITE = "http://127.0.0.1:8765"
URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def team(alice, make_user, make_token, upload, settings):
    """demo: Owners alice and carol, Maintainer bob; dave has no role."""
    settings.WHARF_SITE_URL = SITE
    bob, carol, dave = make_user("bob"), make_user("carol"), make_user("dave")
    assert upload(builders.wheel("demo", "1.0"), token=make_token(alice)).status_code == 200
    project = Project.objects.get()
    Role.objects.create(project=project, user=carol, role_name=RoleName.OWNER)
    Role.objects.create(project=project, user=bob, role_name=RoleName.MAINTAINER)
    mail.outbox.clear()
    return project, alice, bob, carol, dave


def told(django_capture_on_commit_callbacks, change, subject: str) -> set[str]:
    """Run `change` as a committed transaction; the recipients of the email whose subject is `subject`."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        change()
    del callbacks
    wait_for(lambda: any(message.subject == f"[Wharf] {subject}" for message in mail.outbox))
    [message] = [message for message in mail.outbox if message.subject == f"[Wharf] {subject}"]
    for link in URL.findall(message.body) + URL.findall(message.alternatives[0][0]):
        assert link.startswith(f"{SITE}/"), link
    return set(message.to)


OWNERS = {"alice@example.com", "carol@example.com"}


def test_each_event_tells_the_owners_and_the_actor(
    team, django_capture_on_commit_callbacks, upload, make_token
):
    project, alice, bob, carol, dave = team
    run = django_capture_on_commit_callbacks

    def release_by_bob():
        assert (
            upload(builders.wheel("demo", "2.0"), token=make_token(bob), keep_release_email=True).status_code
            == 200
        )

    # The upload fixture runs its own commit callbacks.
    assert told(lambda **kw: nullcontext(), release_by_bob, "New release: demo 2.0") == OWNERS | {
        "bob@example.com"
    }
    release = Release.objects.get(version="2.0")
    release.project = project
    assert (
        told(
            run,
            lambda: release_yank(release=release, actor=alice, reason="broken"),
            "Release demo 2.0 was yanked",
        )
        == OWNERS
    )
    assert (
        told(
            run, lambda: release_unyank(release=release, actor=carol), "Release demo 2.0 is no longer yanked"
        )
        == OWNERS
    )
    file = File.objects.get(release=release)
    file.release = release
    assert (
        told(
            run,
            lambda: file_remove(file=file, actor=alice),
            "File demo-2.0-py3-none-any.whl was deleted from demo",
        )
        == OWNERS
    )
    assert (
        told(run, lambda: release_remove(release=release, actor=alice), "Release demo 2.0 was deleted")
        == OWNERS
    )

    invite = lambda: role_invite(project=project, inviter=alice, username="dave", role_name="Maintainer")  # noqa: E731
    assert told(run, invite, "dave was invited to demo") == OWNERS
    invitation = dave.role_invitations.get()
    accept = lambda: invitation_accept(invitation=invitation, user=dave)  # noqa: E731
    assert told(run, accept, "dave is now Maintainer of demo") == OWNERS | {"dave@example.com"}
    dave_role = Role.objects.get(user=dave)
    change = lambda: role_change(role=dave_role, actor=carol, role_name="Owner")  # noqa: E731
    assert told(run, change, "dave is now Owner of demo") == OWNERS | {"dave@example.com"}
    remove = lambda: role_remove(role=Role.objects.get(user=dave), actor=alice)  # noqa: E731
    assert told(run, remove, "dave no longer has a role on demo") == OWNERS | {"dave@example.com"}

    project_token = lambda: token_create(user=bob, description="ci", project=project)  # noqa: E731
    assert told(run, project_token, "API token created for demo") == OWNERS | {"bob@example.com"}

    settings.WHARF_OIDC_ISSUERS = [
        {
            "name": "github",
            "issuer": "https://ci.example.com",
            "audience": "wharf",
            "kind": "github",
            "jwks_url": "",
        }
    ]
    fields = PublisherFields(issuer="github", owner="octo", repository="demo", workflow="release.yml")
    add = lambda: publisher_add(project=project, actor=alice, fields=fields)  # noqa: E731
    assert told(run, add, "Trusted publisher added to demo") == OWNERS
    drop = lambda: publisher_remove(publisher=project.publishers.get(), actor=carol)  # noqa: E731
    assert told(run, drop, "Trusted publisher removed from demo") == OWNERS

    assert (
        told(run, lambda: project_archive(project=project, actor=alice), "Project demo was archived")
        == OWNERS
    )
    assert (
        told(run, lambda: project_unarchive(project=project, actor=alice), "Project demo was unarchived")
        == OWNERS
    )
    assert (
        told(run, lambda: project_remove(project=project, actor=carol), "Project demo was deleted") == OWNERS
    )


def _templates() -> list[str]:
    roots = [Path(settings.BASE_DIR) / "templates", *(Path(settings.BASE_DIR).glob("*/templates"))]
    roots += list(Path(settings.BASE_DIR).glob("*/*/templates"))
    found = []
    for root in roots:
        for path in root.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if "/email/" in f"/{relative}" and path.suffix in (".txt", ".html") and "base" not in path.name:
                found.append(relative)
    return sorted(set(found))


def test_every_email_template_links_to_the_site_url(settings):
    """With a non-default port in WHARF_SITE_URL, every link of every email template points at it."""
    settings.WHARF_SITE_URL = SITE
    context = {
        "site_url": SITE,
        "site_name": "Wharf",
        "project_name": "demo",
        "project_path": "/project/demo/",
        "manage_path": "/manage/project/demo/",
        "claim_url": f"{SITE}/claims/1/",
        "answer_url": f"{SITE}/claims/answer/x/",
        "admin_url": f"{SITE}/admin/",
        "activate_url": f"{SITE}/accounts/confirm-email/x/",
        "password_reset_url": f"{SITE}/accounts/password/reset/key/x/",
        "signup_url": f"{SITE}/accounts/signup/",
        "user": User(username="alice"),
    }
    templates = _templates()
    assert len(templates) > 60
    for name in PROJECT_EVENTS + ACCOUNT_EVENTS:  # one template per event, each in both forms
        assert {f"{EVENTS}{name}.txt", f"{EVENTS}{name}.html", f"{EVENTS}{name}_subject.txt"} <= set(
            templates
        )
    for template in templates:
        rendered = render_to_string(template, context)
        for link in URL.findall(rendered):
            if link.startswith(
                ("https://packaging.python.org", "https://peps.python.org", "https://readthedocs.org")
            ):
                continue
            assert link.startswith(f"{SITE}/") or link == SITE, (template, link)
