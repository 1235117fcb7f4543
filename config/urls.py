"""URL map of Wharf: machine APIs first (hot paths), then the web pages and the admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from registry import feeds
from registry.protocols import files, json, oidc, simple, upload, xmlrpc

urlpatterns = [
    # The names reverse to the canonical URLs (with the slash); the forms without it are answered too.
    re_path(r"^simple/$", simple.index, name="simple-index"),
    re_path(r"^simple$", simple.index),
    re_path(r"^simple/(?P<name>[^/]+)/$", simple.project_detail, name="simple-project"),
    re_path(r"^simple/(?P<name>[^/]+)$", simple.project_detail),
    re_path(r"^pypi/(?P<name>[^/]+)/json/?$", json.project_json, name="json-project"),
    re_path(r"^pypi/(?P<name>[^/]+)/(?P<version>[^/]+)/json/?$", json.project_json, name="json-release"),
    re_path(r"^packages/(?P<path>[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{60}/[^/]+)$", files.download, name="file"),
    path("legacy/", upload.legacy_upload, name="upload"),
    path("legacy", upload.legacy_upload_without_slash, name="upload-without-slash"),
    re_path(r"^(?:pypi|RPC2)/?$", xmlrpc.rpc, name="xmlrpc"),
    # Trusted publishing (PyPI's paths, with or without the trailing slash).
    re_path(r"^_/oidc/audience/?$", oidc.audience, name="oidc-audience"),
    re_path(r"^_/oidc/(?:github/)?mint-token/?$", oidc.mint_token, name="oidc-mint-token"),
    path("rss/updates.xml", feeds.UpdatesFeed(), name="rss-updates"),
    path("rss/packages.xml", feeds.PackagesFeed(), name="rss-packages"),
    path("rss/project/<str:name>/releases.xml", feeds.ProjectReleasesFeed(), name="rss-project-releases"),
    path("api/v1/", include("config.api_urls")),
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("wharf/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    # Wharf's account pages first: its sign-up and email pages take the place of allauth's.
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("claims/", include("moderation.claims.urls")),
    # The status page and the report form (before the registry's pages, which would take project/<name>/...).
    path("", include("moderation.urls")),
    path("", include("registry.urls")),
]

# Under /api/ these answer in the REST API's error format; elsewhere, Django's pages.
handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
# allauth answers its rate limits with this view (it looks for `handler429` in the root URL conf).
handler429 = "accounts.views.too_many_requests"
