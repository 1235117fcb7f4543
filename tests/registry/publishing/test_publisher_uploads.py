"""Uploading with a token minted by trusted publishing: it reaches its publisher's project only, records the
publisher on the file (JSON API and project page: "published via ..."), and honours the project's status."""

import pytest

from accounts.models import ApiToken
from registry.enums import RoleName
from registry.models import File, Project, Role
from registry.services.archiving import project_archive
from registry.services.publishing import PublisherFields, publisher_add
from tests import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def widgets(alice, issuer):
    project = Project.objects.create(name="widgets", normalized_name="widgets")
    Role.objects.create(project=project, user=alice, role_name=RoleName.OWNER)
    fields = PublisherFields(issuer="github", owner="octo", repository="widgets", workflow="release.yml")
    publisher_add(project=project, actor=alice, fields=fields)
    return project


@pytest.fixture
def minted(mint, issuer, widgets):
    status, body = mint(issuer.sign(issuer.github()))
    assert status == 200, body
    return body["token"]


def test_minted_token_uploads_and_the_file_records_the_publisher(upload, client, minted, widgets):
    response = upload(builders.wheel("widgets", "1.0"), token=minted)
    assert response.status_code == 200, response.reason_phrase
    file = File.objects.get()
    assert file.uploader is None
    assert file.published_via == "github: octo/widgets, workflow release.yml"
    document = client.get("/pypi/widgets/json").json()
    assert document["urls"][0]["published_via"] == "github: octo/widgets, workflow release.yml"
    page = client.get("/project/widgets/").content.decode()
    assert "published via github: octo/widgets, workflow release.yml" in page
    assert ApiToken.objects.get(publisher__isnull=False).last_used is not None


def test_minted_token_is_bound_to_its_project(upload, minted, make_user, make_token, unchanged):
    bob = make_user("bob")
    upload(builders.wheel("bobs", "1.0"), token=make_token(bob))
    with unchanged():
        response = upload(builders.wheel("bobs", "1.1"), token=minted)
        assert response.status_code == 403
        assert "project-scoped token is not valid for project: 'bobs'" in response.reason_phrase
        response = upload(builders.wheel("brand-new", "1.0"), token=minted)
        assert response.status_code == 403


def test_archived_project_refuses_uploads_with_a_sentence(
    upload, minted, widgets, alice, alice_token, unchanged
):
    project_archive(project=widgets, actor=alice)
    with unchanged():
        for token in (minted, alice_token):
            response = upload(builders.wheel("widgets", "1.0"), token=token)
            assert response.status_code == 403
            assert (
                "Project 'widgets' is archived, so no files can be uploaded to it" in response.reason_phrase
            )


def test_attestations_are_refused_and_nothing_is_stored(upload, alice_token, unchanged):
    attestation = '[{"version": 1, "verification_material": {}, "envelope": {}}]'
    with unchanged():
        response = upload(
            builders.wheel("demo", "1.0"), token=alice_token, overrides={"attestations": attestation}
        )
    assert response.status_code == 400
    assert "Attestations (PEP 740) are not supported by this index yet" in response.reason_phrase


def test_minted_tokens_only_upload(minted):
    """Any other door (the REST API) asks `token_authenticate` without `allow_publisher`: refused."""
    from accounts.exceptions import TokenRejected
    from accounts.services import token_authenticate

    with pytest.raises(TokenRejected):
        token_authenticate(minted)
    assert token_authenticate(minted, allow_publisher=True).user is None
