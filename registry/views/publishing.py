"""Trusted publishing and status pages for maintainers: a project's trusted publishers (Owners add and
remove them), the user's pending publishers for projects not created yet, and archiving a project.

Thin views: a form, one service call, the service's one-sentence refusal shown on the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.adapter import request_origin
from accounts.exceptions import EmailNotVerified
from registry.enums import RoleName
from registry.exceptions import ManageError, ManageNotPermitted
from registry.forms import PendingPublisherForm, PublisherForm
from registry.models import TrustedPublisher
from registry.oidc import issuers
from registry.services.archiving import project_archive, project_unarchive
from registry.services.publishing import (
    PublisherFields,
    pending_publisher_add,
    pending_publisher_remove,
    publisher_add,
    publisher_remove,
)
from registry.views.manage import _project


def _issuer_choices() -> list[tuple[str, str]]:
    return [(issuer.name, f"{issuer.name} ({issuer.kind}: {issuer.url})") for issuer in issuers.configured()]


def _fields(form) -> PublisherFields:
    data = form.cleaned_data
    return PublisherFields(
        issuer=data["issuer"],
        owner=data["owner"],
        repository=data["repository"],
        workflow=data["workflow"],
        environment=data["environment"],
        claims=data["claims"],
    )


def _form_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_publishers(request, name):
    project = _project(request, name)
    form = PublisherForm(request.POST or None, issuer_choices=_issuer_choices())
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ManageError(_form_error(form))
            publisher = publisher_add(project=project, actor=request.user, fields=_fields(form))
        except ManageError as error:
            messages.error(request, error.message)
            status = 403 if isinstance(error, ManageNotPermitted) else 400
        else:
            messages.success(request, f"Trusted publisher added: {publisher.describe()}.")
            return redirect("manage-publishers", name=project.normalized_name)
    context = {
        "project": project,
        "is_owner": project.user_role == RoleName.OWNER,
        "publishers": list(project.publishers.all()),
        "form": form,
        "issuers": issuers.configured(),
        "section": "publishing",
    }
    return render(request, "registry/manage/publishing.html", context, status=status)


@login_required
@require_POST
def project_publisher_remove(request, name, pk):
    project = _project(request, name)
    publisher = TrustedPublisher.objects.filter(project=project, pk=pk).first()
    if publisher is None:
        raise Http404("No such publisher.")
    try:
        publisher_remove(publisher=publisher, actor=request.user)
    except ManageError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Trusted publisher removed: {publisher.describe()}.")
    return redirect("manage-publishers", name=project.normalized_name)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pending_publishers(request):
    form = PendingPublisherForm(request.POST or None, issuer_choices=_issuer_choices())
    status = 200
    if request.method == "POST":
        ip_address, _agent = request_origin(request)
        try:
            if not form.is_valid():
                raise ManageError(_form_error(form))
            publisher = pending_publisher_add(
                user=request.user,
                project_name=form.cleaned_data["project_name"],
                fields=_fields(form),
                ip_address=ip_address,
            )
        except (ManageError, EmailNotVerified) as error:
            messages.error(request, error.message)
            status = 403 if isinstance(error, EmailNotVerified) else 400
        else:
            messages.success(
                request,
                f"Pending publisher registered for '{publisher.pending_name}': its first publish creates the "
                "project, with you as its Owner.",
            )
            return redirect("manage-pending-publishers")
    context = {
        "pending": list(
            TrustedPublisher.objects.filter(project__isnull=True, added_by=request.user).order_by("created")
        ),
        "form": form,
        "issuers": issuers.configured(),
    }
    return render(request, "registry/manage/pending_publishers.html", context, status=status)


@login_required
@require_POST
def pending_publisher_delete(request, pk):
    publisher = TrustedPublisher.objects.filter(pk=pk, project__isnull=True, added_by=request.user).first()
    if publisher is None:
        raise Http404("No such pending publisher.")
    pending_publisher_remove(publisher=publisher, user=request.user)
    messages.success(request, f"Pending publisher for '{publisher.pending_name}' removed.")
    return redirect("manage-pending-publishers")


@login_required
@require_POST
def archive(request, name, action):
    project = _project(request, name)
    change = {"archive": project_archive, "unarchive": project_unarchive}.get(action)
    if change is None:
        raise Http404("No such action.")
    try:
        change(project=project, actor=request.user)
    except ManageError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Project '{project.name}' was {action}d.")
    return redirect("manage-project", name=project.normalized_name)
