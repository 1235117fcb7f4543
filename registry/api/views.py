"""The registry's REST API: read projects and releases; yank, delete, manage collaborators, answer invitations
and read the journal with a token that has the `manage` permission.

Thin views: find what the caller may see (`registry.selectors.visible_project_get`: quarantined projects
only for their maintainers and moderators, as on the pages), check a project-scoped token's project, then
call the same service the manage pages and the admin call, with the same arguments. The services decide who
may do what (Owners for everything but leaving) and write the journal; their refusals become 403 or 409.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import caller_is_moderator, check_project_scope, requires
from accounts.enums import TokenPermission
from registry import selectors
from registry.api.filters import JournalFilter, ProjectFilter
from registry.api.serializers import (
    CollaboratorSerializer,
    ConfirmSerializer,
    InvitationSerializer,
    InviteSerializer,
    JournalEntrySerializer,
    ProjectSerializer,
    ProjectSummarySerializer,
    ReleaseSerializer,
    RoleChangeSerializer,
    YankSerializer,
)
from registry.models import File, JournalEntry, Project, Release, RoleInvitation
from registry.services.archiving import project_archive, project_unarchive
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

MANAGE = TokenPermission.MANAGE


def visible_project(request, name: str) -> Project:
    """The project called `name` with the caller's `user_role`; 404 when the caller may not see it."""
    project = selectors.visible_project_get(
        name=name, user=request.user, moderator=caller_is_moderator(request)
    )
    if project is None:
        raise NotFound(f"There is no project named '{name}'.")
    return project


def managed_project(request, name: str) -> Project:
    """`visible_project`, refused to a token scoped to another project."""
    project = visible_project(request, name)
    check_project_scope(request, project)
    return project


def _require_role(request, project: Project) -> None:
    """Collaborators and the journal are the manage pages' (and the moderators'): a role is needed."""
    if project.user_role is None and not caller_is_moderator(request):
        raise PermissionDenied(f"You have no role on project '{project.name}'.")


def _release(project: Project, version: str) -> Release:
    canonical = canonical_version(version)
    release = canonical and selectors.release_get(project=project, canonical_version=canonical)
    if not release:
        raise NotFound(f"Project '{project.name}' has no release {version}.")
    release.project = project
    return release


def _confirmed(request, *, expected: str, what: str) -> None:
    serializer = ConfirmSerializer(data=request.data, context={"expected": expected, "what": what})
    serializer.is_valid(raise_exception=True)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- projects ----------------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="Projects, by name (filter: owner)"))
class ProjectListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ProjectSummarySerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        moderator = caller_is_moderator(self.request)
        return selectors.visible_projects(user=self.request.user, moderator=moderator).order_by(
            "normalized_name"
        )


class ProjectDetailView(APIView):
    permission_classes = [requires(MANAGE, reads_open=True)]

    @extend_schema(responses=ProjectSerializer, summary="A project: releases, status, roles for maintainers")
    def get(self, request, name: str):
        project = visible_project(request, name)
        releases = selectors.release_list(project=project)
        for release in releases:
            release.project = project
        roles = selectors.project_roles(project=project) if project.user_role else None
        return Response(ProjectSerializer(project, context={"releases": releases, "roles": roles}).data)

    @extend_schema(request=ConfirmSerializer, responses={204: None}, summary="Delete a project (Owners)")
    def delete(self, request, name: str):
        project = managed_project(request, name)
        _confirmed(request, expected=project.name, what="project name")
        project_remove(project=project, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProjectArchiveView(APIView):
    """PEP 792: Owners archive a project (installable, no more uploads) or unarchive it, as on the manage
    page; the same service journals the change and emails the Owners."""

    permission_classes = [requires(MANAGE)]
    archive = True

    @extend_schema(
        request=None, responses=ProjectSerializer, summary="Archive or unarchive a project (Owners)"
    )
    def post(self, request, name: str):
        project = managed_project(request, name)
        (project_archive if self.archive else project_unarchive)(project=project, actor=request.user)
        return ProjectDetailView().get(request, name)


# --- releases and files ------------------------------------------------------------------------------------


def _release_answer(request, release: Release) -> Response:
    files = selectors.release_files(release=release)
    return Response(ReleaseSerializer(release, context={"files": files, "request": request}).data)


class ReleaseDetailView(APIView):
    permission_classes = [requires(MANAGE, reads_open=True)]

    @extend_schema(responses=ReleaseSerializer, summary="A release with its files, hashes and URLs")
    def get(self, request, name: str, version: str):
        return _release_answer(request, _release(visible_project(request, name), version))

    @extend_schema(request=ConfirmSerializer, responses={204: None}, summary="Delete a release (Owners)")
    def delete(self, request, name: str, version: str):
        release = _release(managed_project(request, name), version)
        _confirmed(request, expected=release.version, what="version")
        release_remove(release=release, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReleaseYankView(APIView):
    permission_classes = [requires(MANAGE)]

    @extend_schema(request=YankSerializer, responses=ReleaseSerializer, summary="Yank a release (PEP 592)")
    def post(self, request, name: str, version: str):
        release = _release(managed_project(request, name), version)
        data = _valid(YankSerializer, request)
        release = release_yank(release=release, actor=request.user, reason=data.get("reason", ""))
        return _release_answer(request, release)


class ReleaseUnyankView(APIView):
    permission_classes = [requires(MANAGE)]

    @extend_schema(request=None, responses=ReleaseSerializer, summary="Un-yank a release")
    def post(self, request, name: str, version: str):
        release = _release(managed_project(request, name), version)
        return _release_answer(request, release_unyank(release=release, actor=request.user))


class FileDetailView(APIView):
    permission_classes = [requires(MANAGE)]

    @extend_schema(request=ConfirmSerializer, responses={204: None}, summary="Delete a file (Owners)")
    def delete(self, request, name: str, version: str, filename: str):
        release = _release(managed_project(request, name), version)
        file = File.objects.filter(release=release, filename=filename).first()
        if file is None:
            raise NotFound(f"Release {release.version} of '{release.project.name}' has no file '{filename}'.")
        _confirmed(request, expected=file.filename, what="filename")
        file.release = release
        file_remove(file=file, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- collaborators and invitations -------------------------------------------------------------------------


def _collaborators(project: Project) -> list[dict]:
    rows = [
        {
            "username": role.user.username,
            "role": role.role_name,
            "status": "active",
            "since": role.created,
            "invitation": None,
            "expires": None,
        }
        for role in selectors.project_roles(project=project)
    ]
    rows += [
        {
            "username": invitation.invitee.username,
            "role": invitation.role_name,
            "status": "invited",
            "since": invitation.created,
            "invitation": invitation.pk,
            "expires": invitation.expires,
        }
        for invitation in selectors.invitations_for_project(project=project)
    ]
    return rows


class CollaboratorListView(generics.GenericAPIView):
    permission_classes = [requires(MANAGE)]
    serializer_class = CollaboratorSerializer
    filter_backends = []

    @extend_schema(summary="Collaborators: roles, then pending invitations")
    def get(self, request, name: str):
        project = managed_project(request, name)
        _require_role(request, project)
        page = self.paginate_queryset(_collaborators(project))
        return self.get_paginated_response(CollaboratorSerializer(page, many=True).data)

    @extend_schema(
        request=InviteSerializer,
        responses={201: InvitationSerializer},
        summary="Invite a user to a role (Owners; they are emailed)",
    )
    def post(self, request, name: str):
        project = managed_project(request, name)
        data = _valid(InviteSerializer, request)
        invitation = role_invite(
            project=project, inviter=request.user, username=data["username"], role_name=data["role"]
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class CollaboratorDetailView(APIView):
    permission_classes = [requires(MANAGE)]

    def _role(self, project: Project, username: str):
        roles = selectors.project_roles(project=project)
        role = next((role for role in roles if role.user.username.lower() == username.lower()), None)
        if role is not None:
            role.project = project
        return role

    def _not_found(self, project: Project, username: str):
        return NotFound(f"User '{username}' has no role on project '{project.name}' and no invitation to it.")

    @extend_schema(
        request=RoleChangeSerializer, responses=CollaboratorSerializer, summary="Change a role (Owners)"
    )
    def patch(self, request, name: str, username: str):
        project = managed_project(request, name)
        role = self._role(project, username)
        if role is None:
            raise self._not_found(project, username)
        data = _valid(RoleChangeSerializer, request)
        role = role_change(role=role, actor=request.user, role_name=data["role"])
        row = next(row for row in _collaborators(project) if row["username"] == role.user.username)
        return Response(CollaboratorSerializer(row).data)

    @extend_schema(
        responses={204: None},
        summary="Remove a collaborator or revoke their invitation (Owners), or leave the project",
    )
    def delete(self, request, name: str, username: str):
        project = managed_project(request, name)
        role = self._role(project, username)
        if role is not None:
            role_remove(role=role, actor=request.user)
            return Response(status=status.HTTP_204_NO_CONTENT)
        invitations = selectors.invitations_for_project(project=project)
        invitation = next((i for i in invitations if i.invitee.username.lower() == username.lower()), None)
        if invitation is None:
            raise self._not_found(project, username)
        invitation.project = project
        invitation_revoke(invitation=invitation, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(get=extend_schema(summary="Your open invitations"))
class InvitationListView(generics.ListAPIView):
    permission_classes = [requires(MANAGE, account_wide=True)]
    serializer_class = InvitationSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return RoleInvitation.objects.none()
        return selectors.invitations_for_user(user=self.request.user)


class InvitationAnswerView(APIView):
    permission_classes = [requires(MANAGE, account_wide=True)]
    answer = ""

    @extend_schema(request=None, responses=InvitationSerializer, summary="Accept or decline an invitation")
    def post(self, request, pk: int):
        invitation = selectors.invitation_get(pk=pk)
        if invitation is None or invitation.invitee_id != request.user.pk:
            raise NotFound("You have no invitation with this id.")
        if self.answer == "accept":
            invitation_accept(invitation=invitation, user=request.user)
        else:
            invitation_decline(invitation=invitation, user=request.user)
        return Response(InvitationSerializer(get_object_or_404(RoleInvitation, pk=pk)).data)


@extend_schema_view(get=extend_schema(summary="The project's journal, oldest first (filter: since)"))
class JournalView(generics.ListAPIView):
    permission_classes = [requires(MANAGE)]
    serializer_class = JournalEntrySerializer
    filterset_class = JournalFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return JournalEntry.objects.none()
        project = managed_project(self.request, self.kwargs["name"])
        _require_role(self.request, project)
        return selectors.project_journal(project=project).order_by("id")
