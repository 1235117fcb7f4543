"""`POST /legacy/`: the twine-compatible upload API (PROTOCOLS.md §1)."""

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from accounts.adapter import request_origin
from moderation import policy
from registry import killpoints
from registry.exceptions import IndexReadOnly, ServerBusy, UploadError, UploadNotPermitted
from registry.protocols.auth import upload_token
from registry.protocols.responses import error_response, message_response
from registry.services.uploads import upload_authorize, upload_publish
from registry.upload.pipeline import parse_upload_request, validate_distribution
from registry.upload.streaming import receive_upload

PRE_REGISTRATION_GONE = (
    "Project pre-registration is no longer required or supported, upload your files instead."
)
GONE = {
    "submit": PRE_REGISTRATION_GONE,
    "submit_pkg_info": PRE_REGISTRATION_GONE,
    "doc_upload": (
        "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/."
    ),
}


@csrf_exempt
def legacy_upload(request):
    if request.method != "POST":
        return render(request, "registry/upload_info.html", status=200)
    try:
        _check_uploads_allowed()
        token = upload_token(request.META.get("HTTP_AUTHORIZATION", ""))
    except UploadError as error:
        _drain(request)
        return error_response(error, request)
    if not request.META.get("CONTENT_LENGTH") and request.META.get("HTTP_TRANSFER_ENCODING"):
        # Django reads no body without a length: the form would look empty, and its refusal misleading.
        return message_response(
            411, "Uploads need a Content-Length header; chunked request bodies are not supported."
        )
    try:
        with receive_upload(request) as received:
            action = (request.GET.get(":action") or received.fields.get(":action", [""])[0]).strip()
            if action in GONE:
                return message_response(410, GONE[action])
            if action != "file_upload":
                return message_response(
                    400, "Unknown or missing ':action'; uploads use ':action=file_upload'."
                )
            upload_request = parse_upload_request(received)
            ip_address, user_agent = request_origin(request)
            target = upload_authorize(token=token, request=upload_request, ip_address=ip_address)
            validated = validate_distribution(
                request=upload_request, file=received.file, max_file_size=target.max_file_size
            )
            upload_publish(target=target, upload=validated, user_agent=user_agent, ip_address=ip_address)
    except ServerBusy as error:
        _drain(request)
        return error_response(error, request)
    except UploadError as error:
        return error_response(error, request)
    return killpoints.after_response(HttpResponse("OK\n", content_type="text/plain"), "upload-after-response")


def legacy_upload_without_slash(request):
    """POST /legacy → 308 so the client re-sends its body to /legacy/ (BAD_INPUTS A2)."""
    return HttpResponsePermanentRedirect("/legacy/", status=308)


def _check_uploads_allowed() -> None:
    """Admin flags come first: read-only and upload freezes refuse before anything else (rows 2-3)."""
    flags = policy.active_flags()  # one cache read for both flags
    if policy.FlagId.READ_ONLY in flags:
        raise IndexReadOnly(flags[policy.FlagId.READ_ONLY].message)
    if policy.FlagId.DISALLOW_NEW_UPLOAD in flags:
        raise UploadNotPermitted(flags[policy.FlagId.DISALLOW_NEW_UPLOAD].message)


def _drain(request) -> None:
    """Read and drop an unwanted body so the client receives the refusal instead of a reset connection."""
    try:
        while request.read(256 * 1024):
            pass
    except (OSError, RawPostDataException):
        pass
