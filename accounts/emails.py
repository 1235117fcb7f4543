"""Emails to users: rendered on the web side from templates, sent by a Celery task after the commit.

Every email has a plain-text and an HTML part and names Wharf. A template `NAME` is three files:
`NAME_subject.txt`, `NAME.txt` and `NAME.html`, rendered with `context` plus `site_url` and `site_name`.
allauth's emails (verification, password reset, notifications) take the same road through
`accounts.adapter.WharfAccountAdapter.send_mail`; those without an HTML template of their own get their text
wrapped in `account/email/wharf_message.html`.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

SITE_NAME = "Wharf"


def send_templated_email(*, to: list[str], template: str, context: dict | None = None) -> None:
    """Render `template` and send it to `to` once the current transaction commits (at once outside one)."""
    full_context = {
        "site_url": settings.WHARF_SITE_URL,
        "site_name": SITE_NAME,
        "support_email": settings.WHARF_SUPPORT_EMAIL,
        **(context or {}),
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
    text = render_to_string(f"{template}.txt", full_context)
    html = render_to_string(f"{template}.html", full_context)
    enqueue_email(to=to, subject=subject, text=text, html=html)


def enqueue_email(*, to: list[str], subject: str, text: str, html: str) -> None:
    """Hand a rendered email to the `send_email` task once the current transaction commits.

    The task runs in the web process on the embedded default and on a Celery worker when REDIS_URL is set.
    """
    from accounts.tasks import send_email

    recipients = [address for address in to if address]
    if recipients:
        transaction.on_commit(lambda: send_email.delay(to=recipients, subject=subject, text=text, html=html))


def deliver(*, to: list[str], subject: str, text: str, html: str) -> None:
    """Hand one email to the configured backend (files, SMTP, ...). With WHARF_SUPPORT_EMAIL set, a reply
    goes there (Reply-To), whatever address the mail leaves from."""
    support = settings.WHARF_SUPPORT_EMAIL
    message = EmailMultiAlternatives(
        subject=f"[{SITE_NAME}] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[support] if support else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()
