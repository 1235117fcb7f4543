"""The registry's endpoints under /api/v1/ (mounted by config/api_urls.py)."""

from django.urls import path

from registry.api import views

RELEASE = "projects/<str:name>/releases/<str:version>/"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="api-projects"),
    path("projects/<str:name>/", views.ProjectDetailView.as_view(), name="api-project"),
    path("projects/<str:name>/archive/", views.ProjectArchiveView.as_view(archive=True), name="api-archive"),
    path(
        "projects/<str:name>/unarchive/",
        views.ProjectArchiveView.as_view(archive=False),
        name="api-unarchive",
    ),
    path(RELEASE, views.ReleaseDetailView.as_view(), name="api-release"),
    path(f"{RELEASE}yank/", views.ReleaseYankView.as_view(), name="api-release-yank"),
    path(f"{RELEASE}unyank/", views.ReleaseUnyankView.as_view(), name="api-release-unyank"),
    path(f"{RELEASE}files/<str:filename>/", views.FileDetailView.as_view(), name="api-file"),
    path(
        "projects/<str:name>/collaborators/", views.CollaboratorListView.as_view(), name="api-collaborators"
    ),
    path(
        "projects/<str:name>/collaborators/<str:username>/",
        views.CollaboratorDetailView.as_view(),
        name="api-collaborator",
    ),
    path("projects/<str:name>/journal/", views.JournalView.as_view(), name="api-journal"),
    path("invitations/", views.InvitationListView.as_view(), name="api-invitations"),
    path(
        "invitations/<int:pk>/accept/",
        views.InvitationAnswerView.as_view(answer="accept"),
        name="api-invitation-accept",
    ),
    path(
        "invitations/<int:pk>/decline/",
        views.InvitationAnswerView.as_view(answer="decline"),
        name="api-invitation-decline",
    ),
]
