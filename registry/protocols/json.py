"""`/pypi/<name>/json` and `/pypi/<name>/<version>/json`: PyPI's JSON API for mirrors and tools.

Repeated requests never reach these views: `registry.cache.ReadCache` answers them from memory.
"""

import json

from django.views.decorators.http import require_safe

from registry import cdn
from registry.names import normalize
from registry.protocols.common import files_base, read_response, redirect_permanently
from registry.renderers.json_api import project_document
from registry.selectors import project_get, project_serial
from registry.versions import canonical_version

MAX_AGE = 900  # Warehouse's JSON API: `Cache-Control: public, max-age=900`
CONTENT_TYPE = "application/json"
NOT_FOUND = b'{"message": "Not Found"}\n'


@require_safe
def project_json(request, name, version=None):
    normalized = normalize(name)
    if name != normalized:
        suffix = f"{version}/json" if version is not None else "json"
        return redirect_permanently(request, f"/pypi/{normalized}/{suffix}")
    # Quarantined projects answer too: their PEP 792 status, no releases and no files (the renderer's rule).
    project = project_get(name=normalized)
    document = None
    if project is not None:
        canonical = None if version is None else (canonical_version(version) or "not a version")
        site = request.build_absolute_uri("/").rstrip("/")
        document = project_document(
            project=project, version=canonical, files_base=files_base(request), site_base=site
        )
    if document is None:
        serial = project_serial(normalized_name=normalized) or 0
        return read_response(request, NOT_FOUND, CONTENT_TYPE, serial=serial, max_age=MAX_AGE, status=404)
    body = json.dumps(document, sort_keys=True).encode() + b"\n"
    response = read_response(request, body, CONTENT_TYPE, serial=project.last_serial, max_age=MAX_AGE)
    if cdn.shareable(project):
        scope = "project-legacy-json" if version is None else "release-legacy-json"
        keys = [cdn.project_key(normalized), "all-legacy-json", scope]
        cdn.mark_cacheable(response, keys=keys, **cdn.PAGE_TIMES)
    return response
