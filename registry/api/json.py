"""`/pypi/<name>/json` and `/pypi/<name>/<version>/json`: PyPI's JSON API for mirrors and tools."""

import json

from django.views.decorators.http import require_safe
from packaging.utils import canonicalize_version
from packaging.version import InvalidVersion

from registry import cache
from registry.api.common import cached_response, files_base, make_body, not_found, redirect_permanently
from registry.names import normalize
from registry.project_json import project_document
from registry.selectors import project_serial, public_project_get

MAX_AGE = 900  # PROTOCOLS.md §2.7
CONTENT_TYPE = "application/json"


@require_safe
def project_json(request, name, version=None):
    normalized = normalize(name)
    if name != normalized:
        suffix = f"{version}/json" if version is not None else "json"
        return redirect_permanently(request, f"/pypi/{normalized}/{suffix}")
    canonical = None
    if version is not None:
        try:
            canonical = canonicalize_version(version, strip_trailing_zero=True)
        except InvalidVersion:
            return not_found(json_body=True)
    serial = cache.current_serial(normalized, lambda: project_serial(normalized_name=normalized))
    if serial is None:
        return not_found(json_body=True)
    base = files_base(request)
    site = request.build_absolute_uri("/").rstrip("/")

    def render():
        project = public_project_get(name=normalized)
        document = None
        if project is not None:
            document = project_document(project=project, version=canonical, files_base=base, site_base=site)
        if document is None:
            return make_body(b'{"message": "Not Found"}\n', CONTENT_TYPE, serial=serial, status=404)
        body = json.dumps(document, sort_keys=True).encode() + b"\n"
        return make_body(body, CONTENT_TYPE, serial=project.last_serial)

    entry = cache.cached_body(("json", normalized, serial, canonical, base, site), render)
    return cached_response(request, entry, max_age=MAX_AGE)
