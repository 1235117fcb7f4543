"""`/simple/` and `/simple/<name>/`: the Simple Repository API for pip, uv and mirrors."""

from django.views.decorators.http import require_safe

from registry import cache, simple
from registry.api.common import cached_response, files_base, make_body, not_found, redirect_permanently
from registry.names import normalize
from registry.selectors import last_serial, project_serial, public_project_get, public_projects

MAX_AGE = 600  # PROTOCOLS.md §2.7


@require_safe
def index(request):
    media = simple.negotiate(request.META.get("HTTP_ACCEPT", ""), request.GET.get("format", ""))
    serial = cache.current_serial(cache.INDEX, last_serial) or 0

    def render():
        projects = list(public_projects().values_list("name", "normalized_name", "last_serial"))
        context = simple.index_context(projects=projects, serial=serial)
        body = simple.render_json(context) if media == simple.V1_JSON else simple.render_index_html(context)
        return make_body(body, media, serial=serial)

    entry = cache.cached_body(("simple-index", media, serial), render)
    return cached_response(request, entry, max_age=MAX_AGE, vary_accept=True)


@require_safe
def project_detail(request, name):
    normalized = normalize(name)
    if name != normalized or not request.path.endswith("/"):
        return redirect_permanently(request, f"/simple/{normalized}/")
    serial = cache.current_serial(normalized, lambda: project_serial(normalized_name=normalized))
    if serial is None:
        return not_found()
    media = simple.negotiate(request.META.get("HTTP_ACCEPT", ""), request.GET.get("format", ""))
    base = files_base(request)

    def render():
        project = public_project_get(name=normalized)
        if project is None:
            return make_body(b"404 Not Found\n", "text/plain; charset=utf-8", serial=serial, status=404)
        context = simple.project_context(project=project, files_base=base)
        body = simple.render_json(context) if media == simple.V1_JSON else simple.render_project_html(context)
        return make_body(body, media, serial=project.last_serial)

    entry = cache.cached_body(("simple", normalized, serial, media, base), render)
    return cached_response(request, entry, max_age=MAX_AGE, vary_accept=True)
