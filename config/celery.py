"""The Celery app. Tasks run eagerly in the web process when REDIS_URL is unset (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("wharf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
