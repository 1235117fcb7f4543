"""WSGI entry point: `gunicorn config.wsgi:application` serves production.

The read-API cache sits in front of Django so repeated Simple and JSON requests skip the request cycle.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_wsgi_application()

from registry.cache import ReadCache  # noqa: E402 (needs Django set up)

application = ReadCache(django_application)
