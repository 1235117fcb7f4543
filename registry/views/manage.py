"""The maintainers' pages: a user's projects and invitations, and per project its collaborators, releases
(yank, un-yank, delete), files, deletion and history.

Every page needs a login and a role on the project; every change is a POST (CSRF-checked by Django's
middleware) that validates a form and calls one service. The services enforce who may do what (Owners for
anything but leaving) and write the journal; a refusal re-renders the page with its one-sentence reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from moderation import policy
from registry import selectors
from registry.enums import ProjectStatus, RoleName
from registry.exceptions import ManageError, ManageNotPermitted
from registry.forms import ConfirmForm, InviteForm, RoleChangeForm, YankForm
from registry.models import Project, Release
from registry.services.files import file_remove
from registry.services.projects import project_remove
from registry.services.releases import release_remove, release_unyank, release_yank
from registry.services.roles import (
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    role_change,
    role_invite,
    role_remove,
)
from registry.versions import canonical_version

HISTORY_PAGE_SIZE = 50


def _project(request, name: str) -> Project:
    """The project called `name` with the user's `user_role`: 404 if there is none, 403 without a role."""
    project = selectors.project_with_role(name=name, user=request.user)
    if project is None:
        raise Http404("No such project.")
    if project.user_role is None:
        raise PermissionDenied(f"You have no role on project '{project.name}'.")
    # The services refuse every change while the moderators quarantine a project: the pages disable the forms.
    project.locked = project.status == ProjectStatus.QUARANTINED
    if project.locked:
        # The owners see why the moderators quarantined it (their reason, and since when).
        project.quarantine_notice = policy.quarantine_notice(project.pk)
    return project


def _release(project: Project, version: str) -> Release:
    canonical = canonical_version(version)
    release = (
        None if canonical is None else selectors.release_get(project=project, canonical_version=canonical)
    )
    if release is None:
        raise Http404("No such release.")
    release.project = project
    return release


def _refused(request, error: ManageError, page, **forms):
    """Show the page again with the reason: 403 when the role is missing, 400 for any other rule."""
    messages.error(request, error.message)
    return page(request, status=403 if isinstance(error, ManageNotPermitted) else 400, **forms)


def _form_refused(request, form, page, **forms):
    error = next(iter(form.errors.values()))[0]
    return _refused(request, ManageError(error), page, **forms)


# --- a user's projects and invitations ---------------------------------------------------------------------


@login_required
@require_safe
def projects(request):
    return render(
        request,
        "registry/manage/projects.html",
        {
            "projects": selectors.projects_of_user(user=request.user),
            "invitations": selectors.invitations_for_user(user=request.user),
        },
    )


def _invitation(request, pk: int):
    invitation = selectors.invitation_get(pk=pk)
    if invitation is None or invitation.invitee_id != request.user.pk:
        raise Http404("No such invitation.")
    return invitation


@login_required
@require_POST
def invitation_answer(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise Http404("No such answer.")
    invitation = _invitation(request, pk)
    try:
        if answer == "accept":
            invitation_accept(invitation=invitation, user=request.user)
        else:
            invitation_decline(invitation=invitation, user=request.user)
    except ManageError as error:
        messages.error(request, error.message)
        return redirect("manage-projects")
    if answer == "accept":
        messages.success(
            request, f"You are now {invitation.role_name} of project '{invitation.project.name}'."
        )
        return redirect("manage-project", name=invitation.project.normalized_name)
    messages.success(request, f"You declined the invitation to project '{invitation.project.name}'.")
    return redirect("manage-projects")


# --- one project -------------------------------------------------------------------------------------------


@login_required
@require_safe
def project_overview(request, name):
    project = _project(request, name)
    return _overview_page(request, project=project)


def _overview_page(request, *, project, status=200, delete_form=None):
    return render(
        request,
        "registry/manage/project.html",
        {
            "project": project,
            "is_owner": project.user_role == RoleName.OWNER,
            "releases": selectors.release_list(project=project),
            "delete_form": delete_form or ConfirmForm(expected=project.name, what="project name"),
            "section": "releases",
        },
        status=status,
    )


@login_required
@require_POST
def project_delete(request, name):
    project = _project(request, name)
    form = ConfirmForm(request.POST, expected=project.name, what="project name")

    def page(request, status, **forms):
        return _overview_page(request, project=project, status=status, **forms)

    if not form.is_valid():
        return _form_refused(request, form, page, delete_form=form)
    try:
        project_remove(project=project, actor=request.user)
    except ManageError as error:
        return _refused(request, error, page, delete_form=form)
    messages.success(request, f"Project '{project.name}' was deleted; its filenames stay used.")
    return redirect("manage-projects")


@login_required
@require_safe
def project_history(request, name):
    project = _project(request, name)
    page = Paginator(selectors.project_journal(project=project), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "registry/manage/history.html", {"project": project, "page": page, "section": "history"}
    )


# --- collaborators -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def collaborators(request, name):
    project = _project(request, name)
    if request.method == "POST":
        return _invite(request, project)
    return _collaborators_page(request, project=project)


def _collaborators_page(request, *, project, status=200, invite_form=None):
    roles = selectors.project_roles(project=project)
    return render(
        request,
        "registry/manage/collaborators.html",
        {
            "project": project,
            "is_owner": project.user_role == RoleName.OWNER,
            "roles": roles,
            # The only Owner can neither leave nor be demoted nor removed: the page disables those buttons.
            "sole_owner_role_pk": _sole_owner_role_pk(roles),
            "role_forms": [(role, RoleChangeForm(initial={"role_name": role.role_name})) for role in roles],
            "invitations": selectors.invitations_for_project(project=project),
            "invite_form": invite_form or InviteForm(),
            "section": "collaborators",
        },
        status=status,
    )


def _sole_owner_role_pk(roles) -> int | None:
    owners = [role.pk for role in roles if role.role_name == RoleName.OWNER]
    return owners[0] if len(owners) == 1 else None


def _invite(request, project):
    form = InviteForm(request.POST)

    def page(request, status, **forms):
        return _collaborators_page(request, project=project, status=status, **forms)

    if not form.is_valid():
        return _form_refused(request, form, page, invite_form=form)
    try:
        invitation = role_invite(
            project=project,
            inviter=request.user,
            username=form.cleaned_data["username"],
            role_name=form.cleaned_data["role_name"],
        )
    except ManageError as error:
        return _refused(request, error, page, invite_form=form)
    messages.success(
        request,
        f"Invitation sent to '{invitation.invitee.username}' to become {invitation.role_name} "
        f"of project '{project.name}'.",
    )
    return redirect("manage-collaborators", name=project.normalized_name)


def _role(project, pk):
    role = selectors.project_role_get(project=project, pk=pk)
    if role is None:
        raise Http404("No such collaborator.")
    return role


@login_required
@require_POST
def collaborator_change(request, name, pk):
    project = _project(request, name)
    role = _role(project, pk)
    form = RoleChangeForm(request.POST)

    def page(request, status, **forms):
        return _collaborators_page(request, project=project, status=status)

    if not form.is_valid():
        return _form_refused(request, form, page)
    try:
        role_change(role=role, actor=request.user, role_name=form.cleaned_data["role_name"])
    except ManageError as error:
        return _refused(request, error, page)
    messages.success(request, f"'{role.user.username}' is now {role.role_name} of project '{project.name}'.")
    return redirect("manage-collaborators", name=project.normalized_name)


@login_required
@require_POST
def collaborator_remove(request, name, pk):
    project = _project(request, name)
    role = _role(project, pk)

    def page(request, status, **forms):
        return _collaborators_page(request, project=project, status=status)

    try:
        role_remove(role=role, actor=request.user)
    except ManageError as error:
        return _refused(request, error, page)
    if role.user_id == request.user.pk:
        messages.success(request, f"You left project '{project.name}'.")
        return redirect("manage-projects")
    messages.success(request, f"'{role.user.username}' was removed from project '{project.name}'.")
    return redirect("manage-collaborators", name=project.normalized_name)


@login_required
@require_POST
def invitation_cancel(request, name, pk):
    project = _project(request, name)
    invitation = selectors.invitation_get(pk=pk)
    if invitation is None or invitation.project_id != project.pk:
        raise Http404("No such invitation.")

    def page(request, status, **forms):
        return _collaborators_page(request, project=project, status=status)

    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except ManageError as error:
        return _refused(request, error, page)
    messages.success(request, f"The invitation to '{invitation.invitee.username}' was revoked.")
    return redirect("manage-collaborators", name=project.normalized_name)


# --- releases and files ------------------------------------------------------------------------------------


@login_required
@require_safe
def release(request, name, version):
    project = _project(request, name)
    return _release_page(request, release=_release(project, version))


def _release_page(request, *, release, status=200, yank_form=None, delete_form=None, file_forms=None):
    project = release.project
    files = selectors.release_files(release=release)
    file_forms = file_forms or {}
    return render(
        request,
        "registry/manage/release.html",
        {
            "project": project,
            "release": release,
            "is_owner": project.user_role == RoleName.OWNER,
            "yank_form": yank_form or YankForm(version=release.version),
            "delete_form": delete_form or ConfirmForm(expected=release.version, what="version"),
            "files": [
                (file, file_forms.get(file.pk) or ConfirmForm(expected=file.filename, what="filename"))
                for file in files
            ],
            "section": "releases",
        },
        status=status,
    )


@login_required
@require_POST
def release_yank_view(request, name, version):
    project = _project(request, name)
    release = _release(project, version)
    form = YankForm(request.POST, version=release.version)

    def page(request, status, **forms):
        return _release_page(request, release=release, status=status, **forms)

    if not form.is_valid():
        return _form_refused(request, form, page, yank_form=form)
    try:
        release_yank(release=release, actor=request.user, reason=form.cleaned_data["reason"])
    except ManageError as error:
        return _refused(request, error, page, yank_form=form)
    messages.success(request, f"Release {release.version} of '{project.name}' was yanked.")
    return redirect("manage-release", name=project.normalized_name, version=release.version)


@login_required
@require_POST
def release_unyank_view(request, name, version):
    project = _project(request, name)
    release = _release(project, version)

    def page(request, status, **forms):
        return _release_page(request, release=release, status=status)

    try:
        release_unyank(release=release, actor=request.user)
    except ManageError as error:
        return _refused(request, error, page)
    messages.success(request, f"Release {release.version} of '{project.name}' is no longer yanked.")
    return redirect("manage-release", name=project.normalized_name, version=release.version)


@login_required
@require_POST
def release_delete(request, name, version):
    project = _project(request, name)
    release = _release(project, version)
    form = ConfirmForm(request.POST, expected=release.version, what="version")

    def page(request, status, **forms):
        return _release_page(request, release=release, status=status, **forms)

    if not form.is_valid():
        return _form_refused(request, form, page, delete_form=form)
    try:
        release_remove(release=release, actor=request.user)
    except ManageError as error:
        return _refused(request, error, page, delete_form=form)
    messages.success(request, f"Release {release.version} of '{project.name}' was deleted.")
    return redirect("manage-project", name=project.normalized_name)


@login_required
@require_POST
def file_delete(request, name, version, pk):
    project = _project(request, name)
    release = _release(project, version)
    file = selectors.file_of_project(project=project, pk=pk)
    if file is None or file.release_id != release.pk:
        raise Http404("No such file.")
    form = ConfirmForm(request.POST, expected=file.filename, what="filename")

    def page(request, status, **forms):
        return _release_page(request, release=release, status=status, file_forms={file.pk: form})

    if not form.is_valid():
        return _form_refused(request, form, page)
    file.release = release
    try:
        file_remove(file=file, actor=request.user)
    except ManageError as error:
        return _refused(request, error, page)
    messages.success(request, f"File '{file.filename}' was deleted; its name cannot be used again.")
    return redirect("manage-release", name=project.normalized_name, version=release.version)
