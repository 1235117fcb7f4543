"""Accounts' endpoints under /api/v1/ (mounted by config/api_urls.py)."""

from django.urls import path

from accounts.api import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("tokens/", views.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<int:token_id>/", views.TokenDetailView.as_view(), name="api-token"),
]
