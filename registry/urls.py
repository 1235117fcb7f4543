"""Web pages of the registry: public pages, then the maintainers' pages under /manage/.

A project's report form (`/project/<name>/report/`) is moderation's (`moderation/urls.py`).
"""

from django.urls import path

from registry.views import account, manage, pages, publishing

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", pages.search_page, name="search"),
    path("help/", pages.help_page, name="help"),
    path("names/check/", pages.name_check, name="name-check"),
    path("project/<str:name>/", pages.project_page, name="project"),
    path("project/<str:name>/<str:version>/", pages.release_page, name="release"),
    path("user/<str:username>/", pages.user_page, name="user"),
    path("manage/projects/", manage.projects, name="manage-projects"),
    path(
        "manage/invitations/<int:pk>/<str:answer>/",
        manage.invitation_answer,
        name="manage-invitation-answer",
    ),
    path("manage/account/delete/", account.delete_account, name="manage-account-delete"),
    path("manage/publishing/", publishing.pending_publishers, name="manage-pending-publishers"),
    path(
        "manage/publishing/<int:pk>/remove/",
        publishing.pending_publisher_delete,
        name="manage-pending-publisher-remove",
    ),
    path("manage/project/<str:name>/", manage.project_overview, name="manage-project"),
    path("manage/project/<str:name>/publishing/", publishing.project_publishers, name="manage-publishers"),
    path(
        "manage/project/<str:name>/publishing/<int:pk>/remove/",
        publishing.project_publisher_remove,
        name="manage-publisher-remove",
    ),
    path(
        "manage/project/<str:name>/archive/", publishing.archive, {"action": "archive"}, name="manage-archive"
    ),
    path(
        "manage/project/<str:name>/unarchive/",
        publishing.archive,
        {"action": "unarchive"},
        name="manage-unarchive",
    ),
    path("manage/project/<str:name>/delete/", manage.project_delete, name="manage-project-delete"),
    path("manage/project/<str:name>/history/", manage.project_history, name="manage-project-history"),
    path("manage/project/<str:name>/collaborators/", manage.collaborators, name="manage-collaborators"),
    path(
        "manage/project/<str:name>/collaborators/<int:pk>/role/",
        manage.collaborator_change,
        name="manage-collaborator-change",
    ),
    path(
        "manage/project/<str:name>/collaborators/<int:pk>/remove/",
        manage.collaborator_remove,
        name="manage-collaborator-remove",
    ),
    path(
        "manage/project/<str:name>/invitations/<int:pk>/revoke/",
        manage.invitation_cancel,
        name="manage-invitation-revoke",
    ),
    path("manage/project/<str:name>/release/<str:version>/", manage.release, name="manage-release"),
    path(
        "manage/project/<str:name>/release/<str:version>/yank/",
        manage.release_yank_view,
        name="manage-release-yank",
    ),
    path(
        "manage/project/<str:name>/release/<str:version>/unyank/",
        manage.release_unyank_view,
        name="manage-release-unyank",
    ),
    path(
        "manage/project/<str:name>/release/<str:version>/delete/",
        manage.release_delete,
        name="manage-release-delete",
    ),
    path(
        "manage/project/<str:name>/release/<str:version>/files/<int:pk>/delete/",
        manage.file_delete,
        name="manage-file-delete",
    ),
]
