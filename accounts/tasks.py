"""Celery tasks of accounts: load, call one function, retry on transient failure."""

from celery import shared_task

from accounts.emails import deliver


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, to: list[str], subject: str, text: str, html: str) -> None:
    deliver(to=to, subject=subject, text=text, html=html)
