"""Accounts' REST API: who is calling (`GET /api/v1/me/`) and the caller's API tokens (`/api/v1/tokens/`).

Thin views: authenticate (accounts.authentication), check the token's permission, call one service.
Token management needs the `tokens` permission; a project-scoped token sees, creates and revokes only
tokens of its own project, and creates tokens with at most its own permissions and lifetime
(`accounts.services.token_create`'s `parent`).
"""

from allauth.account.models import EmailAddress
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.adapter import request_origin
from accounts.api.serializers import (
    MeSerializer,
    MintedTokenSerializer,
    TokenCreateSerializer,
    TokenSerializer,
)
from accounts.authentication import caller_may, request_token, requires
from accounts.decorators import needs_reauthentication
from accounts.enums import TokenPermission
from accounts.exceptions import AccountError
from accounts.models import ApiToken
from accounts.services import has_two_factor, token_create, token_expiry, token_revoke
from moderation import policy

REAUTHENTICATE = (
    "Confirm your password at /accounts/reauthenticate/ first: creating a token from a browser session needs "
    "a recent login."
)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The caller: account, email, two-factor, token")
    def get(self, request):
        user = request.user
        token = request_token(request)
        primary = EmailAddress.objects.filter(user=user, primary=True).first()
        data = {
            "username": user.username,
            "email": primary.email if primary else user.email,
            "email_verified": bool(primary and primary.verified),
            "two_factor": has_two_factor(user),
            "moderator": policy.is_moderator(user),
            "authentication": "token" if token else "session",
            "project": token.project.name if token and token.project_id else None,
            "permissions": [value for value in TokenPermission.values if caller_may(request, value)],
            "token": (
                {"id": token.pk, "description": token.description, "expires": token.expires_on}
                if token
                else None
            ),
        }
        return Response(MeSerializer(data).data)


def _tokens(request):
    """The caller's live tokens; only those of its project for a project-scoped token."""
    tokens = selectors.token_list(user=request.user)
    token = request_token(request)
    if token is not None and token.project_id is not None:
        tokens = tokens.filter(project_id=token.project_id)
    return tokens


@extend_schema_view(get=extend_schema(summary="The caller's live API tokens"))
class TokenListView(generics.ListCreateAPIView):
    permission_classes = [requires(TokenPermission.TOKENS)]
    serializer_class = TokenSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return ApiToken.objects.none()
        return _tokens(self.request)

    @extend_schema(
        request=TokenCreateSerializer,
        responses={201: MintedTokenSerializer},
        summary="Create an API token (the secret is in the answer, this once)",
    )
    def post(self, request):
        serializer = TokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user
        parent = request_token(request)
        if parent is None and needs_reauthentication(request):
            raise PermissionDenied(REAUTHENTICATE, code="reauthentication_required")
        project = None
        if data.get("project"):
            project = selectors.token_scope_project(user=user, name=data["project"])
            if project is None:
                raise AccountError("A token can only be scoped to a project you own or maintain.")
        ip_address, user_agent = request_origin(request._request)
        minted = token_create(
            user=user,
            description=data["description"],
            project=project,
            permissions=data.get("permissions") or [TokenPermission.UPLOAD],
            expires=token_expiry(data["expires"]) if data.get("expires") else None,
            parent=parent,
            ip_address=ip_address,
            user_agent=user_agent,
        )
        minted.token.token = minted.raw
        return Response(MintedTokenSerializer(minted.token).data, status=status.HTTP_201_CREATED)


class TokenDetailView(APIView):
    permission_classes = [requires(TokenPermission.TOKENS)]

    @extend_schema(responses={204: None}, summary="Revoke an API token")
    def delete(self, request, token_id: int):
        token = _tokens(request).filter(pk=token_id).first()
        if token is None:
            raise Http404("You have no live API token with this id.")
        ip_address, user_agent = request_origin(request._request)
        token_revoke(token=token, ip_address=ip_address, user_agent=user_agent)
        return Response(status=status.HTTP_204_NO_CONTENT)
