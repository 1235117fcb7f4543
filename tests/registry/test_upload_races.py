"""Uploads that race: another upload commits between this one's checks and its write.

CI matrix jobs upload the wheels of one new release at the same moment, and a retried job sends the same file
again. The competing upload runs, for real, while this one stores its file (after its checks, before its
transaction), so the race is the same every time: the later upload joins the release or project the first
created, or is the no-op an identical re-upload is; only a real clash is refused.
"""

import pytest

from registry import storage
from registry.models import File, Project, Release
from tests import builders
from tests.conftest import stored_paths

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def meanwhile(monkeypatch):
    """`meanwhile(action)`: run `action` once, in the middle of the next upload: after its checks, as it
    stores its file; with `during=(module, name)`, right after that function of the upload runs instead."""

    def arrange(action, *, during=(storage, "store_file")):
        module, name = during
        real = getattr(module, name)
        pending = [action]

        def step(*args, **kwargs):
            result = real(*args, **kwargs)
            if pending:
                pending.pop()()
            return result

        monkeypatch.setattr(module, name, step)

    return arrange


def test_wheels_of_a_new_release_uploaded_at_once(upload, alice_token, meanwhile):
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    other = builders.wheel("demo", "2.0", tag="cp312-cp312-manylinux_2_28_x86_64")
    meanwhile(lambda: upload(other, token=alice_token))
    response = upload(builders.wheel("demo", "2.0"), token=alice_token)
    assert response.status_code == 200, response.reason_phrase
    release = Release.objects.get(version="2.0")
    assert sorted(release.files.values_list("filename", flat=True)) == [
        "demo-2.0-cp312-cp312-manylinux_2_28_x86_64.whl",
        "demo-2.0-py3-none-any.whl",
    ]


def test_sdist_and_wheel_of_a_new_project_uploaded_at_once(upload, alice_token, meanwhile):
    meanwhile(lambda: upload(builders.sdist("fresh", "1.0"), token=alice_token))
    response = upload(builders.wheel("fresh", "1.0"), token=alice_token)
    assert response.status_code == 200, response.reason_phrase
    project = Project.objects.get(normalized_name="fresh")
    assert File.objects.filter(release__project=project).count() == 2


def test_new_project_created_while_this_upload_was_being_authorized(upload, alice_token, meanwhile):
    """The other upload commits between this one's project lookup and its name check."""
    from registry import ratelimits

    meanwhile(
        lambda: upload(builders.sdist("fresh", "1.0"), token=alice_token),
        during=(ratelimits, "check_project_creation"),
    )
    response = upload(builders.wheel("fresh", "1.0"), token=alice_token)
    assert response.status_code == 200, response.reason_phrase
    assert File.objects.filter(release__project__normalized_name="fresh").count() == 2


def test_new_project_taken_by_another_user_at_the_same_moment(
    upload, alice_token, make_user, make_token, meanwhile
):
    bob_token = make_token(make_user("bob"))
    meanwhile(lambda: upload(builders.sdist("fresh", "1.0"), token=bob_token))
    response = upload(builders.wheel("fresh", "1.0"), token=alice_token)
    assert response.status_code == 403
    assert response.reason_phrase.startswith("The user 'alice' isn't allowed to upload to project 'fresh'.")
    assert list(File.objects.values_list("filename", flat=True)) == ["fresh-1.0.tar.gz"]
    assert stored_paths() == {File.objects.get().path}


def test_the_same_file_uploaded_twice_at_once_is_a_no_op(upload, alice_token, meanwhile):
    dist = builders.wheel("demo", "1.0")
    meanwhile(lambda: upload(dist, token=alice_token))
    response = upload(dist, token=alice_token)
    assert response.status_code == 200, response.reason_phrase
    stored = File.objects.get()
    assert stored_paths() == {stored.path, f"{stored.path}.metadata"}
    assert storage.package_storage().open(stored.path).read() == dist.content


def test_same_filename_other_bytes_at_the_same_moment_is_refused(upload, alice_token, meanwhile):
    first = builders.wheel("demo", "1.0")
    second = builders.wheel("demo", "1.0", files={"demo/__init__.py": b"VALUE = 2\n"})
    meanwhile(lambda: upload(first, token=alice_token))
    response = upload(second, token=alice_token)
    assert response.status_code == 400
    assert response.reason_phrase.startswith("File already exists ('demo-1.0-py3-none-any.whl'")
    stored = File.objects.get()
    assert stored_paths() == {stored.path, f"{stored.path}.metadata"}
    assert storage.package_storage().open(stored.path).read() == first.content
