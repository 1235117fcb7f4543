"""Moderation's endpoints under /api/v1/ (mounted by config/api_urls.py)."""

from django.urls import path

from moderation.api import views

urlpatterns = [
    path("projects/<str:name>/reports/", views.ReportCreateView.as_view(), name="api-report"),
    path("moderation/reports/", views.ReportQueueView.as_view(), name="api-moderation-reports"),
    path(
        "moderation/reports/<int:pk>/dismiss/", views.ReportDismissView.as_view(), name="api-report-dismiss"
    ),
    path("moderation/projects/quarantine/", views.BulkQuarantineView.as_view()),
    path("moderation/projects/release/", views.BulkReleaseView.as_view()),
    path("moderation/projects/remove/", views.BulkRemoveView.as_view()),
    path("moderation/projects/<str:name>/quarantine/", views.ProjectQuarantineView.as_view()),
    path("moderation/projects/<str:name>/release/", views.ProjectQuarantineView.as_view(release=True)),
    path("moderation/projects/<str:name>/remove/", views.ProjectRemoveView.as_view()),
    path("moderation/users/freeze/", views.BulkFreezeView.as_view()),
    path("moderation/users/unfreeze/", views.BulkUnfreezeView.as_view()),
    path("moderation/users/<str:username>/freeze/", views.UserFreezeView.as_view()),
    path("moderation/users/<str:username>/unfreeze/", views.UserFreezeView.as_view(unfreeze=True)),
    path("moderation/flags/", views.FlagListView.as_view(), name="api-flags"),
    path("moderation/flags/<str:flag_id>/", views.FlagDetailView.as_view(), name="api-flag"),
    path("moderation/pending/", views.PendingListView.as_view(), name="api-pending"),
    path("moderation/pending/<int:pk>/approve/", views.PendingDecideView.as_view()),
    path("moderation/pending/<int:pk>/reject/", views.PendingDecideView.as_view(approve=False)),
]
