"""POST /legacy/ through the test client: every refusal says why and stores nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from registry.models import File, JournalEntry, Project, Release, Role, UsedFilename
from tests import builders
from tests.conftest import basic_auth, stored_paths, upload_parts
from tests.multipart import FilePart, encode

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def refused(response, status: int, message_start: str) -> None:
    assert response.status_code == status, (response.status_code, response.reason_phrase)
    assert response.reason_phrase.startswith(message_start), response.reason_phrase
    assert response.content.decode().startswith(message_start)


# --- success ---------------------------------------------------------------------------------------------


def test_first_upload_creates_project_release_file_role_and_journal(upload, alice, alice_token):
    dist = builders.wheel(
        "Demo_Pkg", "1.0", fields={"requires_dist": ["idna>=2"]}, metadata_extra="Requires-Dist: idna>=2\n"
    )
    response = upload(dist, token=alice_token)
    assert response.status_code == 200, response.reason_phrase
    project = Project.objects.get()
    assert (project.name, project.normalized_name) == ("Demo_Pkg", "demo-pkg")
    release = Release.objects.get()
    assert (release.version, release.canonical_version, release.requires_dist) == ("1.0", "1", ["idna>=2"])
    file = File.objects.get()
    assert (file.filename, file.size, file.sha256_digest) == (dist.filename, len(dist.content), dist.sha256)
    assert file.blake2_256_digest == dist.blake2_256 and file.md5_digest == dist.md5
    assert file.path == f"{dist.blake2_256[:2]}/{dist.blake2_256[2:4]}/{dist.blake2_256[4:]}/{dist.filename}"
    assert file.metadata_sha256_digest  # PEP 658 sibling stored for wheels
    assert stored_paths() == {file.path, file.path + ".metadata"}
    assert Role.objects.get().role_name == "Owner"
    assert list(JournalEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "create",
        "add Owner alice",
        "new release",
        f"add py3 file {dist.filename}",
    ]
    assert project.last_serial == JournalEntry.objects.latest("id").id
    assert UsedFilename.objects.filter(filename=dist.filename).exists()
    assert ApiToken.objects.get().last_used is not None


def test_sdist_and_wheel_of_equal_versions_share_one_release(upload, alice_token):
    assert upload(builders.sdist("demo", "1.0"), token=alice_token).status_code == 200
    assert upload(builders.wheel("demo", "1.0.0"), token=alice_token).status_code == 200
    release = Release.objects.get()
    assert release.version == "1.0"
    assert release.files.count() == 2


def test_identical_reupload_is_a_no_op(upload, alice_token, unchanged):
    dist = builders.wheel()
    assert upload(dist, token=alice_token).status_code == 200
    with unchanged():
        response = upload(dist, token=alice_token)
    assert response.status_code == 200


def test_md5_only_digest_is_accepted(upload, alice_token):
    dist = builders.wheel()
    response = upload(dist, token=alice_token, digests=False, overrides={"md5_digest": [dist.md5]})
    assert response.status_code == 200


# --- authentication and flags -----------------------------------------------------------------------------


def test_missing_credentials(upload, db, unchanged):
    with unchanged():
        response = upload(builders.wheel())
    refused(response, 403, "Invalid or non-existent authentication information.")
    assert "/help/#invalid-auth" in response.reason_phrase


def test_password_authentication_refused(upload, alice, unchanged):
    with unchanged():
        response = upload(builders.wheel(), authorization=basic_auth("alice", "correct horse battery staple"))
    refused(response, 403, "Username/Password authentication is no longer supported.")


@pytest.mark.parametrize("token", ["wharf-garbage", "pypi-AgEIcHlwaS5vcmc", "", "wharf-" + "x" * 43])
def test_unknown_tokens_refused(upload, alice, token, unchanged):
    with unchanged():
        refused(
            upload(builders.wheel(), token=token), 403, "Invalid or non-existent authentication information."
        )


def test_revoked_token_refused(upload, alice, alice_token, unchanged):
    ApiToken.objects.update(revoked=timezone.now())
    with unchanged():
        refused(upload(builders.wheel(), token=alice_token), 403, "Invalid or non-existent authentication")


def test_expired_token_refused(upload, alice, make_token, unchanged):
    token = make_token(alice, expires=timezone.now() + timedelta(minutes=1))
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    with unchanged():
        refused(upload(builders.wheel(), token=token), 403, "Invalid API Token: token is expired")


def test_bearer_token_header_accepted(upload, alice_token):
    assert upload(builders.wheel(), authorization=f"token {alice_token}").status_code == 200


def test_inactive_user_token_refused(upload, alice, alice_token, unchanged):
    alice.is_active = False
    alice.save()
    with unchanged():
        refused(upload(builders.wheel(), token=alice_token), 403, "Invalid or non-existent authentication")


@pytest.mark.parametrize(
    ("flag", "status", "message"),
    [
        ("read-only", 503, "Read-only mode"),
        ("disallow-new-upload", 403, "New uploads are temporarily disabled."),
    ],
)
def test_admin_flags_refuse_uploads(upload, alice_token, set_flag, flag, status, message, unchanged):
    set_flag(flag)
    with unchanged():
        refused(upload(builders.wheel(), token=alice_token), status, message)


def test_project_registration_freeze_allows_existing_projects(upload, alice_token, set_flag, unchanged):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    set_flag("disallow-new-project-registration")
    with unchanged():
        refused(upload(builders.wheel("other", "1.0"), token=alice_token), 403, "New project registration")
    assert upload(builders.wheel("demo", "2.0"), token=alice_token).status_code == 200


# --- accounts and permissions -----------------------------------------------------------------------------


def test_unverified_email_cannot_create_a_project(upload, make_user, make_token, unchanged):
    bob = make_user("bob", verified=False)
    with unchanged():
        response = upload(builders.wheel(), token=make_token(bob))
    refused(
        response,
        403,
        "User 'bob', associated with the API token used, does not have a verified primary email",
    )
    assert "/help/#verified-email" in response.reason_phrase


def test_other_users_project_is_forbidden(upload, alice_token, make_user, make_token, unchanged):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    mallory_token = make_token(make_user("mallory"))
    with unchanged():
        # Another spelling of the same normalized name maps onto the existing project (PEP 503).
        response = upload(builders.wheel("DEMO", "2.0"), token=mallory_token)
    refused(response, 403, "The user 'mallory' isn't allowed to upload to project 'demo'.")


def test_maintainer_may_upload(upload, alice_token, make_user, make_token):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    bob = make_user("bob")
    Role.objects.create(user=bob, project=Project.objects.get(), role_name="Maintainer")
    assert upload(builders.wheel("demo", "2.0"), token=make_token(bob)).status_code == 200


def test_project_scoped_token(upload, alice, alice_token, make_token, unchanged):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    assert upload(builders.wheel("other", "1.0"), token=alice_token).status_code == 200
    scoped = make_token(alice, project=Project.objects.get(normalized_name="demo"))
    assert upload(builders.wheel("demo", "2.0"), token=scoped).status_code == 200
    with unchanged():
        refused(
            upload(builders.wheel("other", "2.0"), token=scoped),
            403,
            "Invalid API Token: project-scoped token is not valid for project: 'other'",
        )
        refused(
            upload(builders.wheel("brand-new", "1.0"), token=scoped),
            403,
            "Invalid API Token: project-scoped token used outside of a project context",
        )


def test_quarantined_project_refuses_even_its_owner(upload, alice_token, unchanged):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    Project.objects.update(status="quarantined")
    with unchanged():
        refused(
            upload(builders.wheel("demo", "2.0"), token=alice_token), 403, "Project 'demo' is quarantined"
        )


# --- request shape ----------------------------------------------------------------------------------------


def test_get_shows_an_information_page(client, db):
    response = client.get("/legacy/")
    assert response.status_code == 200
    assert b"twine" in response.content


def test_post_without_slash_redirects_with_308(client, db):
    response = client.post("/legacy", {})
    assert response.status_code == 308
    assert response["Location"] == "/legacy/"


@pytest.mark.parametrize("action", ["submit", "submit_pkg_info", "doc_upload"])
def test_removed_actions_are_gone(upload, alice_token, action, unchanged):
    with unchanged():
        response = upload(builders.wheel(), token=alice_token, overrides={":action": [action]})
    assert response.status_code == 410


def test_unknown_action(upload, alice_token, unchanged):
    with unchanged():
        refused(
            upload(builders.wheel(), token=alice_token, overrides={":action": ["dance"]}),
            400,
            "Unknown or missing",
        )


def test_chunked_body_without_length_refused(client, alice_token, unchanged):
    body, content_type = encode(upload_parts(builders.wheel()))
    with unchanged():
        response = client.generic(
            "POST",
            "/legacy/",
            body,
            content_type=content_type,
            CONTENT_LENGTH="",
            HTTP_TRANSFER_ENCODING="chunked",
            HTTP_AUTHORIZATION=basic_auth("__token__", alice_token),
        )
    refused(response, 411, "Uploads need a Content-Length header")


@pytest.mark.parametrize("version", ["2", "0", "-1", "dog"])
def test_unknown_protocol_version(upload, alice_token, version, unchanged):
    with unchanged():
        response = upload(builders.wheel(), token=alice_token, overrides={"protocol_version": [version]})
    refused(response, 400, "Unknown protocol version.")


def test_no_file(upload, alice_token, unchanged):
    with unchanged():
        refused(
            upload(builders.wheel(), token=alice_token, drop=("content",)),
            400,
            "Upload payload does not have a file.",
        )


def test_two_content_parts_refused(upload, alice_token, unchanged):
    dist = builders.wheel()
    parts = [*upload_parts(dist), ("content", FilePart(dist.filename, dist.content))]
    with unchanged():
        refused(upload(parts=parts, token=alice_token), 400, "Upload payload has 2 files")


def test_text_beyond_latin1_in_a_message(upload, alice_token, unchanged):
    with unchanged():
        response = upload(builders.wheel(), token=alice_token, overrides={"name": ["名前"]})
    assert response.status_code == 400
    assert response.reason_phrase.startswith("'??' is an invalid value for Name.")
    assert "'名前' is an invalid value for Name." in response.content.decode()


def test_metadata_field_sent_as_file_refused(upload, alice_token, unchanged):
    parts = [*upload_parts(builders.wheel()), ("keywords", FilePart("k.txt", b"spam"))]
    with unchanged():
        refused(upload(parts=parts, token=alice_token), 400, "keywords: Should not be a tuple.")


def test_single_valued_field_sent_twice_refused(upload, alice_token, unchanged):
    dist = builders.wheel()
    with unchanged():
        response = upload(dist, token=alice_token, overrides={"summary": ["one", "two"]})
    refused(response, 400, "'summary' has invalid data")


def test_unknown_placeholder_values_are_dropped(upload, alice_token):
    dist = builders.wheel()
    assert (
        upload(
            dist, token=alice_token, overrides={"home_page": ["UNKNOWN"], "platform": [" UNKNOWN "]}
        ).status_code
        == 200
    )
    release = Release.objects.get()
    assert release.home_page == "" and release.platforms == []


def test_nul_bytes_are_escaped(upload, alice_token):
    dist = builders.wheel()
    assert upload(dist, token=alice_token, overrides={"author": ["A\x00B"]}).status_code == 200
    assert Release.objects.get().author == "A\\x00B"


def test_long_values_are_stored_whole(upload, alice_token):
    """PEP 440 bounds no version's length, and PyPI stores these in text columns (PostgreSQL would refuse
    a longer value than a varchar's bound with a 500)."""
    version = "1.0" + "0" * 120
    content_type = "text/markdown; charset=UTF-8; variant=GFM; " + "x" * 230 + "=y"
    dist = builders.wheel("demo", version, fields={"description_content_type": [content_type]})
    response = upload(dist, token=alice_token, overrides={"pyversion": ["p" * 101], "description": ["Hi"]})
    assert response.status_code == 200, response.reason_phrase
    release = Release.objects.get()
    assert (release.version, release.description_content_type) == (version, content_type)
    assert release.files.get().python_version == "p" * 101
    assert JournalEntry.objects.filter(version=version).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"filetype": ["bdist_egg"]}, "Invalid value for filetype. Error: Use a known file type."),
        ({"pyversion": [""]}, "Error: Python version is required for binary distribution uploads."),
        ({"sha256_digest": ["not a digest"]}, "Invalid value for sha256_digest."),
        ({"blake2_256_digest": ["0" * 10]}, "Invalid value for blake2_256_digest."),
        ({"name": ["foo-"]}, "'foo-' is an invalid value for Name."),
        ({"name": [""]}, "'' is an invalid value for Name. Error: This field is required."),
    ],
)
def test_form_errors(upload, alice_token, overrides, message, unchanged):
    with unchanged():
        refused(upload(builders.wheel(), token=alice_token, overrides=overrides), 400, message)


def test_no_digest_at_all(upload, alice_token, unchanged):
    with unchanged():
        refused(
            upload(builders.wheel(), token=alice_token, digests=False),
            400,
            "Error: Include at least one message digest.",
        )


def test_sdist_with_wrong_pyversion(upload, alice_token, unchanged):
    with unchanged():
        response = upload(builders.sdist(), token=alice_token, overrides={"pyversion": ["1.0"]})
    refused(response, 400, "Error: Use 'source' as Python version for an sdist.")


@pytest.mark.parametrize("field", ["sha256_digest", "blake2_256_digest", "md5_digest"])
def test_digest_mismatch(upload, alice_token, field, unchanged):
    wrong = "0" * (32 if field == "md5_digest" else 64)
    with unchanged():
        response = upload(builders.wheel(), token=alice_token, overrides={field: [wrong]})
    refused(response, 400, "The digest supplied does not match a digest calculated from the uploaded file.")


@pytest.mark.parametrize("content_type", [None, "image/png"])
def test_bad_part_content_type(upload, alice_token, content_type, unchanged):
    with unchanged():
        refused(
            upload(builders.wheel(), token=alice_token, content_type=content_type),
            400,
            "Invalid distribution file.",
        )


@pytest.mark.parametrize(
    ("filename", "message"),
    [
        ("../../etc/demo-1.0-py3-none-any.whl", "Cannot upload a file with '/' or '\\' in the name."),
        ("..\\demo-1.0-py3-none-any.whl", "Cannot upload a file with '/' or '\\' in the name."),
        ("demo\x01-1.0-py3-none-any.whl", "Cannot upload a file with non-printable characters"),
        ("demo-1.0.egg", "Invalid file extension"),
    ],
)
def test_unsafe_filenames(upload, alice_token, filename, message, unchanged):
    dist = builders.wheel()
    dist.filename = filename
    with unchanged():
        refused(upload(dist, token=alice_token), 400, message)


def test_form_too_large(upload, alice_token, settings, unchanged):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    with unchanged():
        response = upload(builders.wheel(), token=alice_token, overrides={"description": ["x" * 5000]})
    refused(response, 400, "The upload's form fields are larger than")


def test_too_many_fields(upload, alice_token, settings, unchanged):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    with unchanged():
        response = upload(builders.wheel(), token=alice_token, overrides={"classifiers": ["x"] * 100})
    refused(response, 400, "The upload request has too many form fields or file parts.")


# --- files, limits and releases ---------------------------------------------------------------------------


def test_file_too_large_while_streaming(upload, alice_token, settings, unchanged):
    settings.WHARF_MAX_FILE_SIZE = 1024
    dist = builders.wheel(files={"demo/data.bin": bytes(range(256)) * 64})
    with unchanged():
        response = upload(dist, token=alice_token)
    refused(response, 400, "File too large. Limit for project 'demo' is 0 MB.")


def test_project_size_limit(upload, alice_token, settings, unchanged):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    settings.WHARF_MAX_PROJECT_SIZE = Project.objects.get().total_size + 10
    with unchanged():
        refused(upload(builders.wheel("demo", "2.0"), token=alice_token), 400, "Project size too large.")


def test_same_filename_different_bytes(upload, alice_token, unchanged):
    assert upload(builders.wheel(), token=alice_token).status_code == 200
    other = builders.wheel(files={"demo/__init__.py": b"VALUE = 2\n"})
    with unchanged():
        response = upload(other, token=alice_token)
    refused(
        response, 400, f"File already exists ('{other.filename}', with blake2_256 hash '{other.blake2_256}')."
    )


def test_same_bytes_different_filename(upload, alice_token, unchanged):
    dist = builders.wheel("demo", "1.0")
    assert upload(dist, token=alice_token).status_code == 200
    renamed = builders.wheel("demo", "1.0")
    renamed.filename = "demo-1.0-py2.py3-none-any.whl"
    with unchanged():
        refused(upload(renamed, token=alice_token), 400, "File already exists")


def test_deleted_filename_stays_burned(upload, alice_token, unchanged):
    dist = builders.wheel()
    assert upload(dist, token=alice_token).status_code == 200
    File.objects.all().delete()
    with unchanged():
        response = upload(builders.wheel(files={"demo/__init__.py": b"OTHER = 1\n"}), token=alice_token)
    refused(response, 400, "This filename was previously used by a file that has since been deleted.")


def test_release_closes_after_14_days(upload, alice_token, unchanged):
    assert upload(builders.sdist("demo", "1.0"), token=alice_token).status_code == 200
    Release.objects.update(created=timezone.now() - timedelta(days=15))
    with unchanged():
        refused(
            upload(builders.wheel("demo", "1.0"), token=alice_token),
            400,
            "Uploading new files to releases older than 14 days is not allowed.",
        )
        # An identical re-upload is still the no-op twine --skip-existing relies on.
        assert upload(builders.sdist("demo", "1.0"), token=alice_token).status_code == 200


def test_second_sdist_refused(upload, alice_token, unchanged):
    assert upload(builders.sdist("demo", "1.0"), token=alice_token).status_code == 200
    # 1.0.0 is the same release as 1.0, so this would be its second sdist.
    with unchanged():
        refused(
            upload(builders.sdist("demo", "1.0.0"), token=alice_token),
            400,
            "Only one sdist may be uploaded per release.",
        )


def test_failed_store_leaves_no_rows(upload, alice_token, monkeypatch, unchanged):
    from registry.services import uploads

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(uploads, "journal_record", explode)
    with unchanged(), pytest.raises(RuntimeError):
        upload(builders.wheel(), token=alice_token)
