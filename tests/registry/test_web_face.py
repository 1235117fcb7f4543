"""What every web page shares and how the pages show things: the header (who is logged in, Admin for staff,
error pages included), the icon, the stylesheet and script as files (no inline style or script), authors from
core metadata, digests short with the full value on demand, and manage pages that disable what cannot work."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, override_settings

from accounts.emails import deliver
from registry.models import Project, Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / folder
    for folder in ("templates", "registry/templates", "moderation/templates", "moderation/claims/templates")
]


def page(client, path: str, **options) -> str:
    return client.get(path, **options).content.decode()


# Inline styles, style blocks, inline scripts (data blocks of type application/json are not scripts), event
# handler attributes, and links written as paths.
INLINE = (
    r"\sstyle=",
    r"<style",
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)",
    r"\son[a-z]+=",
    r'(?:href|action)="/',
)


def test_no_template_has_inline_style_or_script_or_literal_site_links():
    """Strict CSP: styles and scripts are static files. Links come from the URL conf ({% url %}), so renaming
    a route fails in the tests that render the page. Emails may style inline (mail readers need it)."""
    offenders = []
    for root in TEMPLATE_DIRS:
        for path in root.glob("**/*.html"):
            if "email" in path.parts:
                continue
            text = path.read_text()
            for pattern in INLINE:
                if re.search(pattern, text):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {pattern}")
    assert offenders == []


def test_project_page_shows_authors_and_short_digests(client, publish):
    dist = publish(
        "demo",
        "1.0",
        fields={"author": ["Bob Builder"], "author_email": ["Alice Example <alice@example.com>"]},
    )
    body = page(client, "/project/demo/")
    assert 'Bob Builder, <a href="mailto:alice@example.com">Alice Example</a>' in body
    assert "&lt;Alice Example" not in body
    # The SHA256 short, a copy button (shown by the script) with the whole digest, every digest on demand.
    assert f'<code title="{dist.sha256}">{dist.sha256[:12]}…</code>' in body
    assert f'data-copy-text="{dist.sha256}"' in body
    assert "<summary>All digests</summary>" in body and f"<dd>{dist.blake2_256}</dd>" in body


def test_header_and_footer_on_every_page(client, alice):
    anonymous = page(client, "/no/such/page/")
    assert 'href="/accounts/login/"' in anonymous and "Log out" not in anonymous
    assert '<link rel="icon" href="/static/wharf/favicon.svg"' in anonymous
    assert '<link rel="stylesheet" href="/static/wharf/wharf.css">' in anonymous
    client.force_login(alice)
    for path in ("/", "/no/such/page/", "/manage/project/nothing/"):
        body = page(client, path)
        assert ">alice</a>" in body and "Log out" in body and 'href="/admin/"' not in body, path
    alice.is_staff = True
    alice.save()
    assert '<a class="staff-link" href="/admin/">Admin</a>' in page(client, "/help/")
    assert client.get("/favicon.ico")["Location"] == "/static/wharf/favicon.svg"


def test_the_server_error_page_knows_who_is_logged_in(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with override_settings(ROOT_URLCONF="tests.registry.broken_urls"):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and ">alice</a>" in body


def test_read_only_page_knows_who_is_logged_in(client, alice, set_flag):
    set_flag("read-only", message="Maintenance. See /status/ for more information.")
    client.force_login(alice)
    response = client.post("/manage/project/demo/delete/", HTTP_ACCEPT="text/html")
    body = response.content.decode()
    assert response.status_code == 503 and ">alice</a>" in body
    assert 'See <a href="/status/">/status/</a> for more information.' in body


def test_manage_pages_disable_what_cannot_work(client, alice, publish, make_user):
    publish("demo", "1.0")
    client.force_login(alice)
    role = Role.objects.get()
    body = page(client, "/manage/project/demo/collaborators/")
    # The only Owner cannot leave: the button says why instead of failing after a click.
    assert re.search(r'<button type="submit" class="danger" disabled[^>]*>Leave project</button>', body)
    assert "The only Owner cannot leave: make someone else an Owner first." in body
    Role.objects.create(project=role.project, user=make_user("bob"), role_name="Owner")
    assert (
        "disabled" not in page(client, "/manage/project/demo/collaborators/").split("Leave project")[0][-200:]
    )
    # A quarantined project: nothing can change, so every form is disabled, with the reason.
    Project.objects.update(status="quarantined")
    for path in ("/manage/project/demo/", "/manage/project/demo/release/1.0/"):
        body = page(client, path)
        assert '<fieldset class="plain" disabled>' in body and "Not while the project is quarantined." in body
    assert 'id="quarantine-notice"' in body and 'href="/help/#feedback"' in body


@override_settings(WHARF_SUPPORT_EMAIL="support@example.com")
def test_the_support_address_where_the_site_sends_users_to_the_administrators(client, alice, publish):
    publish("demo", "1.0")
    Project.objects.update(status="quarantined")
    client.force_login(alice)
    notice = page(client, "/manage/project/demo/")
    assert 'href="mailto:support@example.com?subject=Quarantine%20of%20demo"' in notice
    assert 'href="mailto:support@example.com"' in page(client, "/help/")
    # Emails can be answered: replies go to the support address, and the emails say so.
    deliver(to=["alice@example.com"], subject="Hello", text="Hi", html="<p>Hi</p>")
    assert mail.outbox[-1].reply_to == ["support@example.com"]
    context = {"username": "alice", "support_email": "support@example.com", "site_url": "http://127.0.0.1"}
    text = render_to_string("registry/email/events/account_deleted.txt", context)
    assert "tell the administrators at once: reply to this email or write to support@example.com." in text
    html = render_to_string("registry/email/events/account_deleted.html", context)
    assert 'href="mailto:support@example.com"' in html
