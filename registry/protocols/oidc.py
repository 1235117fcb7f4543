"""Trusted publishing's endpoints, as PyPI answers them: `GET /_/oidc/audience` and
`POST /_/oidc/mint-token` (also at `/_/oidc/github/mint-token`, its older address).

The official publishing action and `twine` use them unchanged: the action asks for the audience, requests an
ID token for it from its CI system, trades it here and uploads with the minted token as `__token__`.
Refusals are 422 `{"message": "Token request failed", "errors": [{"code": ..., "description": ...}]}`.
"""

import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts.adapter import request_origin
from registry.oidc import issuers
from registry.oidc.verify import TokenRefused
from registry.services.publishing import token_mint

NOT_ENABLED = "Trusted publishing functionality not enabled"
PAYLOAD_HELP = 'the body must be the JSON object {"token": "<OIDC ID token>"}'


@require_safe
def audience(request):
    if not issuers.enabled():
        return JsonResponse({"message": NOT_ENABLED}, status=403)
    return JsonResponse({"audience": issuers.audience()})


@csrf_exempt
@require_POST
def mint_token(request):
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        payload = None
    token = payload.get("token") if isinstance(payload, dict) else None
    if not isinstance(token, str):
        return _refused(TokenRefused("invalid-payload", PAYLOAD_HELP))
    ip_address, _agent = request_origin(request)
    try:
        minted = token_mint(raw_jwt=token, ip_address=ip_address)
    except TokenRefused as refusal:
        return _refused(refusal)
    return JsonResponse({"success": True, "token": minted.raw, "expires": int(minted.expires.timestamp())})


def _refused(refusal: TokenRefused) -> JsonResponse:
    return JsonResponse(
        {
            "message": "Token request failed",
            "errors": [{"code": refusal.code, "description": refusal.description}],
        },
        status=422,
    )
