"""Names and name claims through the API: the name policy's answer, and a user's claims."""

import pytest

from moderation.claims.models import Claim
from moderation.models import ProhibitedProjectName
from registry.models import Project
from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

FIELDS = {"name", "normalized", "available", "rule", "conflicts_with", "message", "claimable"}


@pytest.mark.parametrize(
    "name, rule, conflicts_with, claimable",
    [
        ("brand-new-thing", None, None, False),
        ("Demo", "exists", "demo", True),
        ("d.e.m.o", "too_similar", "demo", True),
        ("asyncio", "stdlib", None, False),
        ("banned-name", "prohibited", None, False),
        ("-bad-", "invalid", None, False),
        ("squatted", "reserved", "squatted", True),
    ],
)
def test_name_rules(api, world, name, rule, conflicts_with, claimable):
    Project.objects.create(name="squatted", normalized_name="squatted")
    ProhibitedProjectName.objects.create(name="banned-name", reason="private")
    answer = api("GET", f"names/{name}/")
    assert answer.status_code == 200
    assert set(answer.data) == FIELDS
    assert (answer.data["rule"], answer.data["conflicts_with"], answer.data["claimable"]) == (
        rule,
        conflicts_with,
        claimable,
    )
    assert answer.data["available"] is (rule is None)
    assert answer.data["name"] == name and answer.data["message"].startswith(f"The name '{name}'")
    assert "private" not in answer.data["message"]


def test_names_for_the_owner_are_not_claimable(api, world):
    answer = api("GET", "names/demo/", token=world.tokens["owner"])
    assert (answer.data["rule"], answer.data["claimable"]) == ("exists", False)


CLAIM = {
    "name": "demo",
    "kind": "transfer",
    "justification": "The project has had no release for years.",
    "intended_use": "A maintained fork.",
    "code_url": "https://git.example.com/bob/demo",
    "contact_attempts": "Emailed alice@example.com twice in March.",
    "contacted_owners": True,
}
REFUSED = {
    "anonymous": (401, "not_authenticated"),
    "other project": (403, "token_scope"),
    "expired": (401, "authentication_failed"),
    "revoked": (401, "authentication_failed"),
    "upload only": (403, "missing_permission"),
}


@pytest.mark.parametrize("actor", list(REFUSED))
def test_claims_refused(api, world, actor):
    status, code = REFUSED[actor]
    token = world.tokens[actor]
    error(api("GET", "claims/", token=token), status, code)
    error(api("POST", "claims/", CLAIM, token=token), status, code)
    assert not Claim.objects.exists()


def test_file_list_and_read_a_claim(api, world, sent):
    token = world.tokens["other user"]
    filed = api("POST", "claims/", CLAIM, token=token)
    assert filed.status_code == 201, filed.data
    assert (filed.data["name"], filed.data["kind"], filed.data["state"]) == ("demo", "transfer", "submitted")
    assert filed.data["timeline"][0]["who"] == "You" and filed.data["queue_position"] == 0
    error(api("POST", "claims/", CLAIM, token=token), 409, "conflict", "already have an open claim")
    assert [c["id"] for c in api("GET", "claims/", token=token).data["results"]] == [filed.data["id"]]
    assert api("GET", f"claims/{filed.data['id']}/", token=token).data["code_url"] == CLAIM["code_url"]
    error(api("GET", f"claims/{filed.data['id']}/", token=world.tokens["maintainer"]), 404)
    assert api("GET", "claims/", token=world.tokens["maintainer"]).data["count"] == 0


@pytest.mark.parametrize(
    "change, code, contains",
    [
        ({"contacted_owners": False}, "invalid", "contact the project's owners first"),
        ({"code_url": "ftp://example.com/x"}, "invalid", "web address"),
        ({"kind": "steal"}, "invalid_choice", ""),
        ({"name": "asyncio"}, "invalid", "standard-library"),
        ({"name": "brand-new-thing"}, "invalid", "available"),
        ({"justification": ""}, "blank", ""),
    ],
)
def test_bad_claims_store_nothing(api, world, change, code, contains):
    error(api("POST", "claims/", {**CLAIM, **change}, token=world.tokens["other user"]), 400, code, contains)
    assert not Claim.objects.exists()


def test_owners_cannot_claim_their_own_project(api, world):
    error(api("POST", "claims/", CLAIM, token=world.tokens["owner"]), 400, "invalid", "already Owner")
