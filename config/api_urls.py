"""REST API v1: one router mounting each app's `api/` package under /api/v1/, with the OpenAPI schema and its
offline docs page (assets served from the project by drf-spectacular-sidecar; the page's script is a
separate file, so it needs no inline script)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("moderation.claims.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
