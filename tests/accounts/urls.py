"""A URL map for the decorator tests: two tiny views guarded as other apps' views are."""

from django.http import HttpResponse
from django.urls import include, path
from django.views import View

from accounts.decorators import VerifiedEmailRequiredMixin, verified_email_required


@verified_email_required
def add_collaborator(request):
    return HttpResponse("collaborators")


class NameClaim(VerifiedEmailRequiredMixin, View):
    verified_email_reason = "You must verify your primary email address before you can file a name claim."

    def get(self, request):
        return HttpResponse("claim")


urlpatterns = [
    path("guarded/function/", add_collaborator),
    path("guarded/class/", NameClaim.as_view()),
    path("", include("config.urls")),
]
