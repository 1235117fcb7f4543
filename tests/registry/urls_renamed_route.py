"""config/urls.py with one read-API route renamed: the read cache must refuse to start with it."""

from django.urls import re_path

from config.urls import urlpatterns as wharf_urlpatterns
from registry.protocols import json

urlpatterns = [
    re_path(r"^pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json/?$", json.project_json, name="json-version"),
    *[pattern for pattern in wharf_urlpatterns if getattr(pattern, "name", None) != "json-release"],
]
