"""Name claims' REST API: the name policy's answer for a name (anyone), and a user's own claims (`manage`
permission, account-wide tokens). Thin views over `registry.services.projects.name_decision` and
`moderation.claims.services`, as the name check page and the claim pages."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import requires
from accounts.enums import TokenPermission
from moderation.claims import selectors
from moderation.claims.api.serializers import (
    ClaimCreateSerializer,
    ClaimDetailSerializer,
    ClaimSerializer,
    NameSerializer,
)
from moderation.claims.models import Claim
from moderation.claims.services import claim_file
from registry.services.projects import name_decision


class NameView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=NameSerializer, summary="Whether a new project may take a name, and why not")
    def get(self, request, name: str):
        decision = name_decision(name, user=request.user)
        data = {
            "name": decision.name,
            "normalized": decision.normalized_name,
            "available": decision.available,
            "rule": decision.rule.replace("-", "_") if decision.rule else None,
            "conflicts_with": decision.project.name if decision.project else None,
            "message": decision.reason,
            "claimable": decision.claimable,
        }
        return Response(NameSerializer(data).data)


@extend_schema_view(get=extend_schema(summary="Your name claims, newest first"))
class ClaimListView(generics.ListCreateAPIView):
    permission_classes = [requires(TokenPermission.MANAGE, account_wide=True)]
    serializer_class = ClaimSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Claim.objects.none()
        return Claim.objects.filter(claimant=self.request.user).order_by("-created", "-id")

    @extend_schema(
        request=ClaimCreateSerializer,
        responses={201: ClaimDetailSerializer},
        summary="File a name claim (PEP 541): the web form's fields",
    )
    def post(self, request):
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        claim = claim_file(
            claimant=request.user,
            name=data["name"],
            kind=data["kind"],
            justification=data["justification"],
            intended_use=data["intended_use"],
            code_url=data["code_url"],
            contact_attempts=data["contact_attempts"],
        )
        return Response(_detail(claim), status=status.HTTP_201_CREATED)


class ClaimDetailView(APIView):
    permission_classes = [requires(TokenPermission.MANAGE, account_wide=True)]

    @extend_schema(responses=ClaimDetailSerializer, summary="One of your claims, with its timeline")
    def get(self, request, pk: int):
        claim = selectors.claim_of_user(user=request.user, pk=pk)
        if claim is None:
            raise NotFound("You have no claim with this id.")
        return Response(_detail(claim))


def _detail(claim) -> dict:
    claim.public_timeline = selectors.claimant_timeline(claim=claim)
    claim.queue_position = selectors.queue_position(claim=claim)
    return ClaimDetailSerializer(claim).data
