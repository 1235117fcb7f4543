"""Name claims' endpoints under /api/v1/ (mounted by config/api_urls.py)."""

from django.urls import path

from moderation.claims.api import views

urlpatterns = [
    path("names/<str:name>/", views.NameView.as_view(), name="api-name"),
    path("claims/", views.ClaimListView.as_view(), name="api-claims"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="api-claim"),
]
