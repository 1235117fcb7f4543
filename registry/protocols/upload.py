"""`POST /legacy/`: the twine-compatible upload API, a thin adapter over `registry.services.uploads`."""

from functools import partial

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from accounts.adapter import request_origin
from registry import killpoints, selectors
from registry.exceptions import UploadError
from registry.protocols.responses import error_response, message_response
from registry.services.uploads import upload_submit
from registry.upload.streaming import receive_upload


@csrf_exempt
def legacy_upload(request):
    if request.method != "POST":
        return render(request, "registry/upload_info.html", status=200)
    if not request.META.get("CONTENT_LENGTH") and request.META.get("HTTP_TRANSFER_ENCODING"):
        # Django reads no body without a length: the form would look empty, and its refusal misleading.
        return message_response(
            411, "Uploads need a Content-Length header; chunked request bodies are not supported."
        )
    ip_address, user_agent = request_origin(request)
    try:
        upload_submit(
            authorization=request.META.get("HTTP_AUTHORIZATION", ""),
            receive=partial(receive_upload, request, larger_cap=selectors.upload_size_cap),
            ip_address=ip_address,
            user_agent=user_agent,
        )
    except UploadError as error:
        _drain(request)
        return error_response(error, request)
    return killpoints.after_response(HttpResponse("OK\n", content_type="text/plain"), "upload-after-response")


def legacy_upload_without_slash(request):
    """POST /legacy → 308 so the client re-sends its body to /legacy/ (a 301 would turn it into a GET)."""
    return HttpResponsePermanentRedirect(reverse("upload"), status=308)


def _drain(request) -> None:
    """Read and drop an unread body so the client receives the refusal instead of a reset connection."""
    try:
        while request.read(256 * 1024):
            pass
    except (OSError, RawPostDataException):
        pass
