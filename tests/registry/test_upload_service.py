"""`registry.services.uploads.upload_submit`: the one entry of an upload gives every caller every gate."""

from contextlib import contextmanager

import pytest
from django.test import RequestFactory

from moderation import policy
from registry.exceptions import IndexReadOnly, UploadNotPermitted
from registry.models import File
from registry.services.uploads import upload_submit
from registry.upload.streaming import receive_upload
from tests import builders
from tests.conftest import basic_auth, upload_parts
from tests.multipart import encode

pytestmark = pytest.mark.integration


def _request(dist):
    body, content_type = encode(upload_parts(dist))
    return RequestFactory().generic("POST", "/any-door/", body, content_type=content_type)


def _never_received():
    @contextmanager
    def receive():
        raise AssertionError("the body must not be read when a gate refuses the upload")
        yield

    return receive


def test_a_caller_other_than_the_legacy_view_publishes(
    alice, alice_token, django_capture_on_commit_callbacks
):
    dist = builders.wheel("demo", "1.0")
    request = _request(dist)
    with django_capture_on_commit_callbacks(execute=True):
        result = upload_submit(
            authorization=basic_auth("__token__", alice_token), receive=lambda: receive_upload(request)
        )
    assert result.created and File.objects.get().filename == dist.filename


@pytest.mark.parametrize(
    ("flag", "error"),
    [(policy.FlagId.READ_ONLY, IndexReadOnly), (policy.FlagId.DISALLOW_NEW_UPLOAD, UploadNotPermitted)],
)
def test_admin_flags_refuse_before_the_token_and_the_body(set_flag, unchanged, flag, error):
    set_flag(flag, message="Uploads are paused for maintenance.")
    with unchanged(), pytest.raises(error, match="paused for maintenance"):
        upload_submit(authorization="", receive=_never_received())


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("", "Invalid or non-existent authentication information. See /help/#invalid-auth"),
        (basic_auth("alice", "secret"), "Username/Password authentication is no longer supported."),
        ("Bearer wharf-not-a-real-token-at-all-xxxxxxxx", "Invalid or non-existent authentication"),
    ],
)
def test_credentials_are_checked_before_the_body_is_read(db, unchanged, authorization, message):
    with unchanged(), pytest.raises(UploadNotPermitted, match=message):
        upload_submit(authorization=authorization, receive=_never_received())
