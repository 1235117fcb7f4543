"""Public pages: home, search, project and release pages, user pages, the name check and help.

Thin views over selectors. Quarantined projects are not shown (`selectors.public_project_get`). User text
is autoescaped everywhere; the only HTML marked safe is a README that passed the sanitizer here.
"""

import re
from urllib.parse import urlencode, urlsplit

import readme_renderer.clean
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from registry import search, selectors
from registry.forms import NameCheckForm, SearchForm
from registry.protocols.common import files_base
from registry.renderers.json_api import latest_release
from registry.renderers.simple import file_url
from registry.services.projects import NameRule, name_decision
from registry.upload.readme import render_description
from registry.versions import canonical_version

SEARCH_PAGE_SIZE = 20
RECENT_RELEASES = 20


@require_safe
def home(request):
    return render(
        request,
        "registry/home.html",
        {"form": SearchForm(), "recent_releases": selectors.recent_releases(limit=RECENT_RELEASES)},
    )


@require_safe
def search_page(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(search.search_releases(query=query), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/search.html",
        {"form": form, "query": query, "page": page, "page_query": urlencode({"q": query})},
    )


@require_safe
def project_page(request, name):
    return _project_or_release(request, name, version=None)


@require_safe
def release_page(request, name, version):
    return _project_or_release(request, name, version=version)


def _project_or_release(request, name: str, *, version: str | None):
    project = selectors.public_project_get(name=name)
    if project is None:
        raise Http404("No such project.")
    if name != project.normalized_name:
        suffix = f"{version}/" if version is not None else ""
        return redirect(f"/project/{project.normalized_name}/{suffix}", permanent=True)
    releases = selectors.release_list(project=project)
    chosen = _choose_release(releases, version)
    if version is not None and chosen is None:
        raise Http404("No such release.")
    roles = selectors.project_roles(project=project)
    context = {
        "project": project,
        "releases": releases,
        "roles": roles,
        "is_collaborator": any(role.user_id == request.user.pk for role in roles),
        "index_url": request.build_absolute_uri("/simple/"),
        "release": None,
    }
    if chosen is not None:
        release = selectors.release_full_get(pk=chosen.pk)
        base = files_base(request)
        context.update(
            release=release,
            is_latest=chosen == latest_release(releases),
            description=_description_html(release),
            files=[(file, file_url(base, file.path)) for file in selectors.release_files(release=release)],
            links=_links(release),
        )
    return render(request, "registry/project.html", context)


def _choose_release(releases, version: str | None):
    if version is None:
        return latest_release(releases)
    canonical = canonical_version(version)
    return next((release for release in releases if release.canonical_version == canonical), None)


def _description_html(release) -> str:
    """The README as sanitized HTML.

    The stored HTML was sanitized when it was uploaded; it is cleaned again with the same allowlist
    (readme_renderer's, nh3) so that a row written any other way cannot put script on the page
    (docs/hostile-inputs.md, H). A description stored without HTML is rendered now (cached by the renderer).
    """
    html = release.description_html
    if not html and release.description.strip():
        html = render_description(release.description, release.description_content_type) or ""
    cleaned = readme_renderer.clean.clean(html) or ""
    return mark_safe(_demote_headings(cleaned))  # noqa: S308 (sanitized just above)


# The README sits under the page's "Description" heading (h2): its headings move two levels down, so that a
# page has one h1 and an outline screen readers can follow.
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def _demote_headings(html: str) -> str:
    return _HEADING_TAG.sub(lambda match: f"<{match[1]}h{min(int(match[2]) + 2, 6)}", html)


def _links(release) -> list[tuple[str, str, bool]]:
    """(label, URL, linkable) of the release's project links; only http(s) URLs become links."""
    links = []
    if release.home_page:
        links.append(("Homepage", release.home_page))
    if release.download_url:
        links.append(("Download", release.download_url))
    links += [(label, url) for label, url in release.project_urls]
    return [(label, url, _is_web_url(url)) for label, url in links]


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@require_safe
def user_page(request, username):
    user = selectors.user_get(username=username)
    if user is None:
        raise Http404("No such user.")
    projects = selectors.public_projects_of_user(user=user)
    return render(request, "registry/user.html", {"profile": user, "projects": projects})


@require_safe
def name_check(request):
    """Whether a name is available for a new project and, if not, which rule blocks it (never why an admin
    prohibited it)."""
    form = NameCheckForm(request.GET or None)
    decision = None
    if form.is_valid():
        decision = name_decision(form.cleaned_data["name"], user=request.user)
    return render(
        request, "registry/name_check.html", {"form": form, "decision": decision, "rules": NameRule}
    )


@require_safe
def help_page(request):
    return render(
        request,
        "registry/help.html",
        {
            "index_url": request.build_absolute_uri("/simple/"),
            "upload_url": request.build_absolute_uri("/legacy/"),
            "base_url": request.build_absolute_uri("/").rstrip("/"),
            "invitation_days": settings.WHARF_ROLE_INVITATION_DAYS,
            "support_email": settings.WHARF_SUPPORT_EMAIL,
            "upload_window_days": settings.WHARF_RELEASE_UPLOAD_WINDOW_DAYS,
            "max_file_size": binary_size(settings.WHARF_MAX_FILE_SIZE),
            "max_project_size": binary_size(settings.WHARF_MAX_PROJECT_SIZE),
            "verification_hours": settings.WHARF_EMAIL_VERIFICATION_HOURS,
            "claim_contact_attempts": settings.WHARF_CLAIM_CONTACT_ATTEMPTS,
            "claim_contact_interval_days": settings.WHARF_CLAIM_CONTACT_INTERVAL_DAYS,
            "claim_squat_notice_days": settings.WHARF_CLAIM_SQUAT_NOTICE_DAYS,
        },
    )


BINARY_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB")


def binary_size(size: int) -> str:
    """`size` bytes as people read it: 100 MiB, 10 GiB, 1.5 GiB."""
    value = float(size)
    for unit in BINARY_UNITS:
        if value < 1024 or unit == BINARY_UNITS[-1]:
            break
        value /= 1024
    return f"{round(value, 1):g} {unit}"
