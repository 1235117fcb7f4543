"""Deleting one's own account (`/manage/account/delete/`): the password is asked again, then the user types
their username; `registry.services.account_deletion` decides and says why when it refuses."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from registry.exceptions import ManageError
from registry.forms import ConfirmForm
from registry.services.account_deletion import account_delete, sole_owner_projects


@login_required
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request):
    user = request.user
    form = ConfirmForm(request.POST or None, expected=user.username, what="username")
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ManageError(next(iter(form.errors.values()))[0])
            account_delete(user=user)
        except ManageError as error:
            messages.error(request, error.message)
            status = 400
        else:
            # The account is gone: end the session without logging a logout on it.
            request.session.flush()
            request.user = AnonymousUser()
            messages.success(request, "Your account was deleted.")
            return redirect("home")
    context = {"form": form, "sole_owner_of": sole_owner_projects(user=user)}
    return render(request, "registry/manage/delete_account.html", context, status=status)
