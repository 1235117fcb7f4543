"""Admin flags (kill switches), the status page and the site banners.

Each flag refuses what it should with its message (Warehouse's admin flags; docs/hostile-inputs.md,
K) and nothing else; a flag switched in the admin takes effect at once and is audited.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken, User
from moderation.enums import FlagId
from moderation.models import AdminFlag, AuditEntry, Report, SiteBanner
from moderation.services import banner_save
from registry.models import Project, Release
from tests import builders
from tests.moderation.conftest import rpc, text_of

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def seeded(flag_id: str) -> str:
    return AdminFlag.objects.get(pk=flag_id).message


def switch(client, flag_id: str, enabled: bool, reason: str = "spam wave"):
    flag = AdminFlag.objects.get(pk=flag_id)
    response = client.post(
        f"/admin/moderation/adminflag/{flag_id}/change/",
        {"enabled": "on" if enabled else "", "message": flag.message, "reason": reason},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]


def test_seeded_messages_follow_pypi():
    assert seeded(FlagId.DISALLOW_NEW_UPLOAD).startswith("New uploads are temporarily disabled.")
    assert seeded(FlagId.DISALLOW_NEW_PROJECT_REGISTRATION).startswith(
        "New project registration temporarily disabled."
    )
    assert seeded(FlagId.DISALLOW_NEW_USER_REGISTRATION).startswith(
        "New user registration temporarily disabled."
    )
    assert seeded(FlagId.READ_ONLY).startswith("Read-only mode:")


def test_flag_switched_in_the_admin_is_audited_and_effective_at_once(mod_client, client, upload, alice_token):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200  # caches the flags
    switch(mod_client, FlagId.DISALLOW_NEW_UPLOAD, True, reason="malware wave")
    refused = upload(builders.wheel("demo", "2.0"), token=alice_token)
    assert (refused.status_code, refused.reason_phrase) == (
        403,
        "New uploads are temporarily disabled. See http://testserver/help/#admin-intervention for more "
        "information.",
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.reason) == (
        "flag disallow-new-upload on",
        "mod",
        "malware wave",
    )
    assert entry.targets.get().target_name == "Disallow new uploads"
    switch(mod_client, FlagId.DISALLOW_NEW_UPLOAD, False, reason="wave over")
    assert upload(builders.wheel("demo", "2.0"), token=alice_token).status_code == 200
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "flag disallow-new-upload off",
        "flag disallow-new-upload on",
    ]


def test_flag_change_needs_a_reason(mod_client):
    response = mod_client.post(
        f"/admin/moderation/adminflag/{FlagId.READ_ONLY}/change/",
        {"enabled": "on", "message": "x", "reason": ""},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not AdminFlag.objects.get(pk=FlagId.READ_ONLY).enabled and not AuditEntry.objects.exists()


def test_disallow_new_project_registration(set_flag, upload, alice_token, unchanged):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    set_flag(
        FlagId.DISALLOW_NEW_PROJECT_REGISTRATION, message=seeded(FlagId.DISALLOW_NEW_PROJECT_REGISTRATION)
    )
    with unchanged():
        refused = upload(builders.wheel("other", "1.0"), token=alice_token)
    assert refused.status_code == 403
    assert refused.reason_phrase.startswith("New project registration temporarily disabled.")
    # Existing projects still take uploads, as on PyPI.
    assert upload(builders.wheel("demo", "2.0"), token=alice_token).status_code == 200


def test_disallow_new_upload(set_flag, upload, alice_token, unchanged):
    set_flag(FlagId.DISALLOW_NEW_UPLOAD, message=seeded(FlagId.DISALLOW_NEW_UPLOAD))
    with unchanged():
        refused = upload(builders.wheel("demo", "1.0"), token=alice_token)
    assert refused.status_code == 403 and refused.reason_phrase.startswith(
        "New uploads are temporarily disabled."
    )


def test_disallow_new_user_registration(set_flag, client):
    set_flag(FlagId.DISALLOW_NEW_USER_REGISTRATION, message=seeded(FlagId.DISALLOW_NEW_USER_REGISTRATION))
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "a long password 1",
            "password2": "a long password 1",
        },
    )
    assert response.status_code == 403
    assert "New user registration temporarily disabled." in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_read_only_refuses_every_write_with_503(
    set_flag, client, upload, alice, alice_token, publish, unchanged
):
    publish("demo", "1.0")
    message = seeded(FlagId.READ_ONLY)
    set_flag(FlagId.READ_ONLY, message=message)
    client.force_login(alice)
    tokens = ApiToken.objects.count()
    with unchanged():
        upload_refused = upload(builders.wheel("demo", "2.0"), token=alice_token)
        page_refused = client.post(
            "/manage/project/demo/release/1.0/yank/", {"confirm_version": "1.0"}, HTTP_ACCEPT="text/html"
        )
        token_refused = client.post("/accounts/tokens/", {"description": "ci"})
        report_refused = client.post(
            "/project/demo/report/",
            {"reason": "spam", "description": "spam spam spam"},
            HTTP_ACCEPT="text/html",
        )
        signup_refused = Client().post(
            "/accounts/signup/",
            {
                "username": "newbie",
                "email": "n@example.com",
                "password1": "a long pw 123",
                "password2": "a long pw 123",
            },
        )
    assert (upload_refused.status_code, upload_refused.reason_phrase) == (
        503,
        "Read-only mode: uploads and other changes are temporarily disabled. See http://testserver/status/ "
        "for more information.",
    )
    for response in (page_refused, token_refused, report_refused, signup_refused):
        assert response.status_code == 503
        assert message.split(":")[0] in response.content.decode()
    assert (
        "Nothing was changed." in page_refused.content.decode()
        and 'href="/status/"' in page_refused.content.decode()
    )
    assert token_refused.content.decode() == message + "\n"  # plain text for clients that are not browsers
    assert ApiToken.objects.count() == tokens and not Report.objects.exists()
    assert not User.objects.filter(username="newbie").exists()
    assert not Release.objects.get().yanked
    # Reading still works, and so do the XML-RPC calls mirrors POST.
    assert client.get("/project/demo/").status_code == 200
    assert client.get("/simple/demo/").status_code == 200
    assert rpc(client, "list_packages_with_serial") == {"demo": Project.objects.get().last_serial}


def test_read_only_leaves_the_admin_usable(set_flag, mod_client, client):
    set_flag(FlagId.READ_ONLY, message=seeded(FlagId.READ_ONLY))
    # The login that reaches the admin is not refused (it answers as usual)...
    assert client.post("/accounts/login/", {"login": "nobody", "password": "x"}).status_code == 200
    # ... and the flag can be switched off there.
    switch(mod_client, FlagId.READ_ONLY, False, reason="maintenance over")
    assert not AdminFlag.objects.get(pk=FlagId.READ_ONLY).enabled
    assert client.post("/accounts/tokens/", {"description": "ci"}).status_code == 302  # to the login page


# --- the status page, the footer and the banners ---------------------------------------------------------


def test_status_page_lists_active_flags(set_flag, client):
    assert "Everything is running normally" in text_of(client.get("/status/"))
    flag = set_flag(FlagId.DISALLOW_NEW_PROJECT_REGISTRATION, message="No new projects until Monday.")
    page = text_of(client.get("/status/"))
    # In users' words (not the admin's label), with the administrators' message and since when.
    assert "New projects paused" in page and "Disallow new project registration" not in page
    assert "Uploads to existing projects work, but no new project can be created for now." in page
    assert "No new projects until Monday." in page and f"{flag.updated:%Y-%m-%d %H:%M}" in page


def test_every_page_shows_the_restrictions_in_force(set_flag, client):
    set_flag(FlagId.READ_ONLY, message="Maintenance. See /status/ for more information.")
    home = client.get("/").content.decode()
    assert 'id="restriction-read-only"' in home and "Read-only mode." in home
    # Write forms are closed before anyone types (static/wharf/wharf.js reads the reason off <body>).
    assert 'data-writes-closed="Read-only mode: You can browse, search and install packages' in home
    status = client.get("/status/").content.decode()
    assert 'See <a href="/status/">/status/</a> for more information.' in status


@pytest.mark.parametrize("path", ["/", "/help/", "/status/", "/search/?q=x", "/accounts/login/"])
def test_every_page_links_the_status_page(client, set_flag, path):
    body = text_of(client.get(path))
    assert '<a href="/status/">Status</a>' in body and "in force" not in body
    set_flag(FlagId.DISALLOW_NEW_UPLOAD)
    assert "(1 restriction in force)" in text_of(client.get(path))


def test_banner_shows_on_every_page_until_it_ends_or_is_switched_off(
    client, admin_as, make_user, django_capture_on_commit_callbacks
):
    root = make_user("root", superuser=True)
    admin = admin_as(root)
    response = admin.post(
        "/admin/moderation/sitebanner/add/",
        {"message": "Pre-production: do not depend on this instance.", "level": "warning", "enabled": "on"},
    )
    assert response.status_code == 302
    banner = SiteBanner.objects.get()
    assert AuditEntry.objects.get().action == "banner added"
    for path in ("/", "/help/", "/accounts/login/", "/accounts/signup/", "/status/"):
        assert "Pre-production: do not depend on this instance." in client.get(path).content.decode(), path
    banner.ends = timezone.now() - timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        banner_save(banner=banner, actor=root)
    assert "Pre-production" not in client.get("/").content.decode()
    banner.ends = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        banner_save(banner=banner, actor=root)
    assert "Pre-production" in client.get("/").content.decode()
    admin.post(
        f"/admin/moderation/sitebanner/{banner.pk}/change/",
        {"message": banner.message, "level": "warning", "enabled": ""},
    )
    assert "Pre-production" not in client.get("/").content.decode()
    assert AuditEntry.objects.filter(action="banner changed (off)").exists()


def test_banner_text_is_escaped(client, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        banner_save(
            banner=SiteBanner(message="<script>alert(1)</script>"), actor=make_user("root", superuser=True)
        )
    body = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_moderators_may_not_set_banners(mod_client):
    assert mod_client.get("/admin/moderation/sitebanner/").status_code == 403


def test_the_admin_shows_the_restrictions_in_force_too(set_flag, mod_client):
    assert "wharf-restrictions" not in mod_client.get("/admin/").content.decode()
    set_flag(FlagId.READ_ONLY, message="Maintenance.")
    body = mod_client.get("/admin/moderation/report/").content.decode()
    assert '<li class="warning" id="restriction-read-only"><strong>Read-only mode is on.</strong>' in body
    assert 'href="/admin/moderation/adminflag/read-only/change/"' in body
