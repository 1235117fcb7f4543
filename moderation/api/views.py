"""Moderation's REST API: report a project (`manage` permission), and the moderators' steps (`moderate`
permission and the step's moderation permission, `moderation.api.permissions`).

Each step calls the service the admin's action calls, with the same arguments, so it is checked, audited
and emailed exactly as there: quarantine and release at once; removing projects and freezing accounts
through `bulk_action`, which above WHARF_MODERATION_APPROVAL_THRESHOLD objects queues the step for a second
moderator (202 with the pending action). Moderators see every project and account, quarantined or frozen.
"""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import check_project_scope, requires
from accounts.enums import TokenPermission
from accounts.models import User
from moderation import selectors
from moderation.api.permissions import moderates
from moderation.api.serializers import (
    BulkProjectsSerializer,
    BulkUsersSerializer,
    DoneSerializer,
    FlagSerializer,
    FlagUpdateSerializer,
    ModeratedProjectSerializer,
    ModeratedUserSerializer,
    PendingActionSerializer,
    QueueReportSerializer,
    ReasonSerializer,
    RemoveSerializer,
    ReportCreateSerializer,
    ReportSerializer,
)
from moderation.enums import PendingActionKind, PendingActionState, ReportReason, ReportState
from moderation.models import AdminFlag, PendingAction, Report
from moderation.services import (
    bulk_action,
    flag_set,
    pending_action_approve,
    pending_action_reject,
    projects_quarantine,
    projects_release,
    report_create,
    reports_dismiss,
    users_unfreeze,
)
from registry.models import Project
from registry.names import normalize
from registry.selectors import public_project_get


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- reporting a project -----------------------------------------------------------------------------------


class ReportCreateView(APIView):
    permission_classes = [requires(TokenPermission.MANAGE)]

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        summary="Report a project to the moderators",
    )
    def post(self, request, name: str):
        project = public_project_get(name=name)
        if project is None:
            raise NotFound(f"There is no project named '{name}'.")
        check_project_scope(request, None)
        data = _valid(ReportCreateSerializer, request)
        report = report_create(
            project=project, reporter=request.user, reason=data["reason"], description=data["description"]
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- the queue ---------------------------------------------------------------------------------------------


class ReportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(field_name="state", choices=ReportState.choices)
    reason = django_filters.ChoiceFilter(choices=ReportReason.choices)

    class Meta:
        model = Report
        fields = ["status", "reason"]


@extend_schema_view(get=extend_schema(summary="Reports, newest first (filters: status, reason)"))
class ReportQueueView(generics.ListAPIView):
    permission_classes = [moderates("view_report")]
    serializer_class = QueueReportSerializer
    filterset_class = ReportFilter

    def get_queryset(self):
        return Report.objects.select_related("reporter", "resolved_by").order_by("-created", "-id")


class ReportDismissView(APIView):
    permission_classes = [moderates("dismiss_report")]

    @extend_schema(request=ReasonSerializer, responses=QueueReportSerializer, summary="Dismiss a report")
    def post(self, request, pk: int):
        report = Report.objects.filter(pk=pk).first()
        if report is None:
            raise NotFound("There is no report with this id.")
        reports_dismiss(
            reports=[report], actor=request.user, reason=_valid(ReasonSerializer, request)["reason"]
        )
        report = Report.objects.select_related("reporter", "resolved_by").get(pk=pk)
        return Response(QueueReportSerializer(report).data)


# --- projects ----------------------------------------------------------------------------------------------


def _hold(hold) -> dict | None:
    if hold is None:
        return None
    by = hold.created_by.username if hold.created_by_id else None
    return {"reason": hold.reason, "since": hold.created, "by": by}


def _project_answer(project: Project) -> Response:
    project.refresh_from_db()
    data = {
        "name": project.name,
        "status": project.status,
        "quarantine": _hold(selectors.current_quarantine(project=project)),
    }
    return Response(ModeratedProjectSerializer(data).data)


def _projects(names: list[str]) -> list[Project]:
    """The projects called `names` (any status); ValidationError naming the first that does not exist."""
    wanted = {normalize(name): name for name in names}
    found = {
        project.normalized_name: project for project in Project.objects.filter(normalized_name__in=wanted)
    }
    missing = next((name for normalized, name in wanted.items() if normalized not in found), None)
    if missing is not None:
        raise ValidationError({"names": [f"There is no project named '{missing}'."]}, code="not_found")
    return sorted(found.values(), key=lambda project: project.pk)


def _project(name: str) -> Project:
    try:
        return _projects([name])[0]
    except ValidationError:
        raise NotFound(f"There is no project named '{name}'.") from None


def _pending(outcome) -> Response | None:
    if outcome.pending is None:
        return None
    return Response(PendingActionSerializer(outcome.pending).data, status=status.HTTP_202_ACCEPTED)


class ProjectQuarantineView(APIView):
    permission_classes = [moderates("quarantine_project")]
    release = False

    @extend_schema(
        request=ReasonSerializer,
        responses=ModeratedProjectSerializer,
        summary="Quarantine a project, or release it from quarantine",
    )
    def post(self, request, name: str):
        project = _project(name)
        reason = _valid(ReasonSerializer, request)["reason"]
        act = projects_release if self.release else projects_quarantine
        act(projects=[project], actor=request.user, reason=reason)
        return _project_answer(project)


class ProjectRemoveView(APIView):
    permission_classes = [moderates("remove_project")]

    @extend_schema(
        request=RemoveSerializer,
        responses={204: None, 202: PendingActionSerializer},
        summary="Remove a project with its releases and files",
    )
    def post(self, request, name: str):
        project = _project(name)
        data = _valid(RemoveSerializer, request)
        outcome = bulk_action(
            kind=PendingActionKind.REMOVE_PROJECTS,
            objects=[project],
            actor=request.user,
            reason=data["reason"],
            options={"prohibit_names": data["prohibit_names"]},
        )
        return _pending(outcome) or Response(status=status.HTTP_204_NO_CONTENT)


class BulkProjectsView(APIView):
    """Several projects at once: quarantine, release or remove (`step`)."""

    step = ""

    def get_permissions(self):
        codename = "remove_project" if self.step == "remove" else "quarantine_project"
        return [moderates(codename)()]

    @extend_schema(
        request=BulkProjectsSerializer,
        responses={200: DoneSerializer, 202: PendingActionSerializer},
        summary="Quarantine, release or remove several projects (removal above the threshold waits)",
    )
    def post(self, request):
        data = _valid(BulkProjectsSerializer, request)
        projects = _projects(data["names"])
        if self.step == "remove":
            outcome = bulk_action(
                kind=PendingActionKind.REMOVE_PROJECTS,
                objects=projects,
                actor=request.user,
                reason=data["reason"],
                options={"prohibit_names": data["prohibit_names"]},
            )
            return _pending(outcome) or Response({"done": outcome.done})
        act = projects_release if self.step == "release" else projects_quarantine
        done = act(projects=projects, actor=request.user, reason=data["reason"])
        return Response({"done": [project.name for project in done]})


def _bulk(view: type, operation_id: str, **attributes) -> type:
    """`view` with `attributes` set and its own operation id in the schema."""
    named = type(f"{view.__name__}_{operation_id}", (view,), attributes)
    return extend_schema_view(post=extend_schema(operation_id=operation_id))(named)


BulkQuarantineView = _bulk(BulkProjectsView, "moderation_projects_bulk_quarantine", step="quarantine")
BulkReleaseView = _bulk(BulkProjectsView, "moderation_projects_bulk_release", step="release")
BulkRemoveView = _bulk(BulkProjectsView, "moderation_projects_bulk_remove", step="remove")


# --- accounts ----------------------------------------------------------------------------------------------


def _users(usernames: list[str]) -> list[User]:
    query = Q()
    for username in usernames:
        query |= Q(username__iexact=username)
    found = {user.username.lower(): user for user in User.objects.filter(query)}
    missing = next((name for name in usernames if name.lower() not in found), None)
    if missing is not None:
        raise ValidationError({"usernames": [f"There is no account named '{missing}'."]}, code="not_found")
    return sorted(found.values(), key=lambda user: user.pk)


def _user(username: str) -> User:
    try:
        return _users([username])[0]
    except ValidationError:
        raise NotFound(f"There is no account named '{username}'.") from None


def _user_answer(user: User) -> Response:
    user.refresh_from_db()
    freeze = selectors.current_freeze(user=user)
    data = {
        "username": user.username,
        "is_active": user.is_active,
        "frozen": freeze is not None,
        "freeze": _hold(freeze),
    }
    return Response(ModeratedUserSerializer(data).data)


class UserFreezeView(APIView):
    permission_classes = [moderates("freeze_user")]
    unfreeze = False

    @extend_schema(
        request=ReasonSerializer,
        responses={200: ModeratedUserSerializer, 202: PendingActionSerializer},
        summary="Freeze an account (tokens revoked, projects quarantined), or lift its freeze",
    )
    def post(self, request, username: str):
        user = _user(username)
        reason = _valid(ReasonSerializer, request)["reason"]
        if self.unfreeze:
            users_unfreeze(users=[user], actor=request.user, reason=reason)
            return _user_answer(user)
        outcome = bulk_action(
            kind=PendingActionKind.FREEZE_USERS, objects=[user], actor=request.user, reason=reason
        )
        return _pending(outcome) or _user_answer(user)


class BulkUsersView(APIView):
    permission_classes = [moderates("freeze_user")]
    unfreeze = False

    @extend_schema(
        request=BulkUsersSerializer,
        responses={200: DoneSerializer, 202: PendingActionSerializer},
        summary="Freeze or unfreeze several accounts (freezing above the threshold waits)",
    )
    def post(self, request):
        data = _valid(BulkUsersSerializer, request)
        users = _users(data["usernames"])
        if self.unfreeze:
            done = users_unfreeze(users=users, actor=request.user, reason=data["reason"])
            return Response({"done": [user.username for user in done]})
        outcome = bulk_action(
            kind=PendingActionKind.FREEZE_USERS, objects=users, actor=request.user, reason=data["reason"]
        )
        return _pending(outcome) or Response({"done": [user.username for user in outcome.done]})


# --- admin flags -------------------------------------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="Admin flags: registration and upload freezes, read-only mode"))
class FlagListView(generics.ListAPIView):
    permission_classes = [moderates("view_adminflag")]
    serializer_class = FlagSerializer
    filter_backends = []

    def get_queryset(self):
        return AdminFlag.objects.select_related("updated_by").order_by("id")


class FlagDetailView(APIView):
    permission_classes = [moderates("change_adminflag")]

    @extend_schema(request=FlagUpdateSerializer, responses=FlagSerializer, summary="Switch an admin flag")
    def put(self, request, flag_id: str):
        flag = AdminFlag.objects.filter(pk=flag_id).first()
        if flag is None:
            raise NotFound(f"There is no admin flag '{flag_id}'.")
        data = _valid(FlagUpdateSerializer, request)
        flag = flag_set(
            flag=flag,
            enabled=data["enabled"],
            message=data.get("message", flag.message),
            actor=request.user,
            reason=data["reason"],
        )
        return Response(FlagSerializer(flag).data)


# --- requests waiting for a second moderator ---------------------------------------------------------------


@extend_schema_view(get=extend_schema(summary="Requests waiting for a second moderator"))
class PendingListView(generics.ListAPIView):
    permission_classes = [moderates("view_pendingaction")]
    serializer_class = PendingActionSerializer
    filter_backends = []

    def get_queryset(self):
        return PendingAction.objects.filter(state=PendingActionState.PENDING).select_related(
            "requested_by", "decided_by"
        )


class PendingDecideView(APIView):
    permission_classes = [moderates("approve_pendingaction")]
    approve = True

    @extend_schema(
        request=ReasonSerializer,
        responses=PendingActionSerializer,
        summary="Approve (and carry out) or reject another moderator's request",
    )
    def post(self, request, pk: int):
        pending = PendingAction.objects.filter(pk=pk).first()
        if pending is None:
            raise NotFound("There is no request with this id.")
        note = _valid(ReasonSerializer, request)["reason"]
        decide = pending_action_approve if self.approve else pending_action_reject
        decide(pending=pending, actor=request.user, note=note)
        pending = PendingAction.objects.select_related("requested_by", "decided_by").get(pk=pk)
        return Response(PendingActionSerializer(pending).data)


BulkFreezeView = _bulk(BulkUsersView, "moderation_users_bulk_freeze")
BulkUnfreezeView = _bulk(BulkUsersView, "moderation_users_bulk_unfreeze", unfreeze=True)
