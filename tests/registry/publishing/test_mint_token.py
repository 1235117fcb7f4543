"""`GET /_/oidc/audience` and `POST /_/oidc/mint-token` against a loopback issuer: GitHub- and GitLab-shaped
tokens traded for upload tokens, and each refusal answering PyPI's 422 body, naming the claim, storing
nothing."""

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from accounts.models import ApiToken
from registry.enums import RoleName
from registry.models import Project, Role, TrustedPublisher
from registry.services.publishing import PublisherFields, pending_publisher_add, publisher_add

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def project(alice):
    project = Project.objects.create(name="widgets", normalized_name="widgets")
    Role.objects.create(project=project, user=alice, role_name=RoleName.OWNER)
    return project


@pytest.fixture
def github_publisher(issuer, project, alice):
    fields = PublisherFields(issuer="github", owner="octo", repository="widgets", workflow="release.yml")
    return publisher_add(project=project, actor=alice, fields=fields)


def refused(status_body, code: str, *words: str):
    status, body = status_body
    assert status == 422, body
    assert body["message"] == "Token request failed"
    [error] = body["errors"]
    assert error["code"] == code, error
    for word in words:
        assert word in error["description"], error["description"]
    return error["description"]


def test_audience(client, issuer, settings):
    assert client.get("/_/oidc/audience").json() == {"audience": "wharf"}
    settings.WHARF_OIDC_ISSUERS = []
    response = client.get("/_/oidc/audience")
    assert response.status_code == 403
    assert response.json() == {"message": "Trusted publishing functionality not enabled"}


def test_not_enabled(mint, settings, unchanged):
    settings.WHARF_OIDC_ISSUERS = []
    with unchanged():
        refused(mint("a.b.c"), "not-enabled")


def test_github_token_is_traded_for_a_project_scoped_token(mint, issuer, github_publisher, project):
    status, body = mint(issuer.sign(issuer.github()))
    assert status == 200, body
    assert body["success"] is True
    assert 890 <= body["expires"] - time.time() <= 900
    token = ApiToken.objects.get(publisher=github_publisher)
    assert token.user is None and token.project == project
    assert token.expires > timezone.now()
    assert body["token"].startswith("wharf-")
    github_publisher.refresh_from_db()
    assert github_publisher.owner_id == "4242"  # learned on first use


def test_gitlab_token_with_environment(mint, issuer, project, alice):
    fields = PublisherFields(
        issuer="gitlab",
        owner="group/sub",
        repository="widgets",
        workflow=".gitlab-ci.yml",
        environment="pypi",
    )
    publisher_add(project=project, actor=alice, fields=fields)
    status, body = mint(issuer.sign(issuer.gitlab(environment="pypi")))
    assert status == 200, body
    refused(mint(issuer.sign(issuer.gitlab(environment="staging"))), "invalid-publisher", "'environment'")
    refused(
        mint(issuer.sign(issuer.gitlab(ci_file="other.yml", environment="pypi"))),
        "invalid-publisher",
        "'ci_config_ref_uri'",
    )


@pytest.mark.parametrize(
    ("claims", "code", "named"),
    [
        ({"repository": "evil/widgets", "repository_owner": "evil"}, "invalid-publisher", "'repository'"),
        ({"workflow": "other.yml"}, "invalid-publisher", "'job_workflow_ref'"),
        ({"owner_id": "666"}, "invalid-publisher", "'repository_owner_id'"),
        ({"lifetime": -120}, "invalid-token", "'exp'"),
        ({"audience": "another-index"}, "invalid-token", "'aud'"),
    ],
)
def test_refusals_name_the_claim(mint, issuer, github_publisher, unchanged, claims, code, named):
    # A first exchange teaches the publisher its owner id, so that a different one is refused afterwards.
    assert mint(issuer.sign(issuer.github()))[0] == 200
    lifetime, audience = claims.pop("lifetime", 300), claims.pop("audience", "wharf")
    if "repository" in claims or "workflow" in claims or "owner_id" in claims:
        claims_in = issuer.github(
            **{key: claims[key] for key in ("repository", "workflow", "owner_id") if key in claims}
        )
        claims_in.update({key: value for key, value in claims.items() if key == "repository_owner"})
    else:
        claims_in = issuer.github()
    claims_in["aud"] = audience
    claims_in["exp"] = int(time.time()) + lifetime
    with unchanged():
        refused(mint(issuer.sign(claims_in)), code, named)


def test_unknown_kid_refetches_the_keys_once_then_refuses(mint, issuer, github_publisher, unchanged):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with unchanged():
        refused(
            mint(issuer.sign(issuer.github(), kid="key-x", key=stranger)), "invalid-token", "'key-x'", "'kid'"
        )
    # Rotation: a key the cached set does not have yet is fetched when a token names it.
    issuer.keys["key-2"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    status, body = mint(issuer.sign(issuer.github(), kid="key-2"))
    assert status == 200, body


def test_forged_signature_and_unsigned_tokens(mint, issuer, github_publisher, unchanged):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    unsigned = jwt.encode(issuer.github(), None, algorithm="none", headers={"kid": "key-1"})
    shared_secret = jwt.encode(
        issuer.github(), "secret-of-at-least-32-bytes-length!", algorithm="HS256", headers={"kid": "key-1"}
    )
    with unchanged():
        refused(mint(issuer.sign(issuer.github(), kid="key-1", key=stranger)), "invalid-token", "signature")
        refused(mint(unsigned), "invalid-token")
        refused(mint(shared_secret), "invalid-token")


def test_replayed_token_is_refused(mint, issuer, github_publisher, unchanged):
    token = issuer.sign(issuer.github())
    assert mint(token)[0] == 200
    with unchanged():
        refused(mint(token), "invalid-reuse-token", "'jti'")


@pytest.mark.parametrize(
    "body",
    ["", "not json", json.dumps(["token"]), json.dumps({"token": 42}), json.dumps({"jwt": "x"})],
)
def test_payload_refusals(mint, issuer, body, unchanged):
    with unchanged():
        refused(mint(body=body), "invalid-payload", "JSON object")


def test_malformed_and_foreign_tokens(mint, issuer, unchanged):
    foreign = issuer.sign({**issuer.github(), "iss": "https://ci.example.com"})
    with unchanged():
        refused(mint("not-a-jwt"), "invalid-payload", "malformed JWT")
        refused(
            mint(foreign), "invalid-payload", "unknown trusted publishing issuer", "https://ci.example.com"
        )


def test_pending_publisher_creates_the_project_with_its_user_as_owner(mint, issuer, make_user, sent):
    bob = make_user("bob")
    carol = make_user("carol")
    fields = PublisherFields(issuer="github", owner="octo", repository="widgets", workflow="release.yml")
    pending_publisher_add(user=bob, project_name="Brand-New", fields=fields)
    other = PublisherFields(issuer="github", owner="carol", repository="x", workflow="ci.yml")
    pending_publisher_add(user=carol, project_name="brand_new", fields=other)
    status, body = mint(issuer.sign(issuer.github()))
    assert status == 200, body
    project = Project.objects.get(normalized_name="brand-new")
    assert project.name == "Brand-New"
    assert Role.objects.get(project=project).user == bob
    [publisher] = TrustedPublisher.objects.all()  # carol's pending publisher for the name was discarded
    assert publisher.project == project and not publisher.pending_name
    assert ApiToken.objects.get(publisher=publisher).project == project
    # (the pending publishers' own confirmations were sent outside a commit, so never left)
    subjects = {message.subject: message.to for message in sent(2)}
    assert subjects["[Wharf] Pending trusted publisher for Brand-New discarded"] == ["carol@example.com"]
    assert subjects["[Wharf] Trusted publisher added to Brand-New"] == ["bob@example.com"]


def test_pending_publisher_whose_name_was_taken_meanwhile(mint, issuer, make_user, alice, unchanged):
    bob = make_user("bob")
    fields = PublisherFields(issuer="github", owner="octo", repository="widgets", workflow="release.yml")
    pending_publisher_add(user=bob, project_name="taken-later", fields=fields)
    project = Project.objects.create(name="taken-later", normalized_name="taken-later")
    Role.objects.create(project=project, user=alice, role_name=RoleName.OWNER)
    with unchanged():
        refused(mint(issuer.sign(issuer.github())), "invalid-pending-publisher", "project already exists")
