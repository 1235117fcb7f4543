"""Web pages of the registry."""

from django.urls import path

from registry import views

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
]
