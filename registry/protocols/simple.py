"""`/simple/` and `/simple/<name>/`: the Simple Repository API for pip, uv and mirrors.

Repeated requests never reach these views: `registry.cache.ReadCache` answers them from memory.
"""

from django.views.decorators.http import require_safe

from registry import cdn
from registry.names import normalize
from registry.protocols.common import files_base, read_response, redirect_permanently
from registry.renderers import simple
from registry.selectors import last_serial, project_get, project_serial, public_projects

MAX_AGE = 600  # Warehouse's Simple API: `Cache-Control: public, max-age=600`
NOT_FOUND = b"404 Not Found\n"


@require_safe
def index(request):
    media = simple.negotiate(request.META.get("HTTP_ACCEPT", ""), request.GET.get("format", ""))
    serial = last_serial()
    projects = list(public_projects().values_list("name", "normalized_name", "last_serial"))
    context = simple.index_context(projects=projects, serial=serial)
    body = simple.render_json(context) if media == simple.V1_JSON else simple.render_index_html(context)
    response = read_response(request, body, media, serial=serial, max_age=MAX_AGE, vary_accept=True)
    times = cdn.SIMPLE_ROOT_JSON_TIMES if media == simple.V1_JSON else cdn.PAGE_TIMES
    cdn.mark_cacheable(response, keys=[cdn.ALL_PROJECTS], **times)
    return response


@require_safe
def project_detail(request, name):
    normalized = normalize(name)
    if name != normalized or not request.path.endswith("/"):
        return redirect_permanently(request, f"/simple/{normalized}/")
    # Every project answers, quarantined ones too: with their PEP 792 status and no files.
    project = project_get(name=normalized)
    if project is None:
        serial = project_serial(normalized_name=normalized) or 0
        return read_response(
            request, NOT_FOUND, "text/plain; charset=utf-8", serial=serial, max_age=MAX_AGE, status=404
        )
    media = simple.negotiate(request.META.get("HTTP_ACCEPT", ""), request.GET.get("format", ""))
    context = simple.project_context(project=project, files_base=files_base(request))
    body = simple.render_json(context) if media == simple.V1_JSON else simple.render_project_html(context)
    serial = project.last_serial
    response = read_response(request, body, media, serial=serial, max_age=MAX_AGE, vary_accept=True)
    if cdn.shareable(project):
        cdn.mark_cacheable(response, keys=[cdn.project_key(normalized)], **cdn.PAGE_TIMES)
    return response
