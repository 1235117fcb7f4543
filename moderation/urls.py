"""Public pages of moderation (included by config/urls.py before the registry's pages)."""

from django.urls import path

from moderation import views

urlpatterns = [
    path("status/", views.status_page, name="status"),
    path("project/<str:name>/report/", views.report_project, name="project-report"),
]
