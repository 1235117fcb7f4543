"""Web pages of the registry: thin views over selectors."""

from django.shortcuts import render

from registry.selectors import recent_releases


def home(request):
    return render(request, "registry/home.html", {"recent_releases": recent_releases(limit=20)})


def help_page(request):
    return render(request, "registry/help.html")
