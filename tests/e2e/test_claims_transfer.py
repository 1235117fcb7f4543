"""An approved transfer claim, end to end with twine: the claimant uploads to the project, and the former
Owner's tokens (the account-wide one and the one scoped to the project) are refused from then on."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import token_create, user_create
from moderation.claims import services
from moderation.claims.enums import ClaimKind, ClaimState
from registry.models import JournalEntry, Project, Role
from tests import builders
from tests.e2e.clients import installed, pip_install, publish, twine_upload

pytestmark = [pytest.mark.e2e]


def write(tmp_path, dist) -> str:
    path = tmp_path / dist.filename
    path.write_bytes(dist.content)
    return str(path)


def test_transfer_lets_the_claimant_upload_and_refuses_the_former_owner(
    settled, wharf, upload_url, index_url, maintainer, maintainer_token, tmp_path
):
    publish(tmp_path, upload_url, maintainer_token, builders.wheel("claimed-demo", "1.0"))
    project = Project.objects.get(normalized_name="claimed-demo")
    scoped_token = token_create(user=maintainer, description="scoped", project=project).raw
    carol = user_create(
        username="carol", email="carol@example.com", password="a long test password", verified_email=True
    )
    moderator = user_create(
        username="mod", email="mod@example.com", password="a long test password", verified_email=True
    )
    carol_token = token_create(user=carol, description="carol").raw

    # Before the claim is decided, the claimant cannot upload.
    early = twine_upload(
        [write(tmp_path, builders.wheel("claimed-demo", "1.5"))], repository_url=upload_url, token=carol_token
    )
    assert early.returncode != 0
    assert "isn't allowed to upload to project 'claimed-demo'" in early.stdout + early.stderr

    t0 = timezone.now()
    claim = services.claim_file(
        claimant=carol,
        name="claimed_demo",
        kind=ClaimKind.TRANSFER,
        justification="Abandoned since 2019.",
        intended_use="A maintained fork.",
        code_url="https://git.example.com/carol/claimed-demo",
        contact_attempts="Email to the author address, twice.",
        now=t0,
    )
    services.claim_start_review(claim=claim, actor=moderator, now=t0)
    services.claim_contact_owners(claim=claim, actor=moderator, now=t0)
    for days in (15, 29, 43):
        services.claims_run_deadlines(now=t0 + timedelta(days=days))
    claim = services.claim_approve(claim=claim, actor=moderator, reason="Unreachable for six weeks.")
    assert claim.state == ClaimState.APPROVED
    assert list(Role.objects.filter(project=project).values_list("user__username", "role_name")) == [
        ("carol", "Owner")
    ]
    assert list(
        JournalEntry.objects.filter(project=project).order_by("-id")[:2].values_list("action", flat=True)
    ) == ["remove Owner maria", "add Owner carol"]

    uploaded = twine_upload(
        [write(tmp_path, builders.wheel("claimed-demo", "2.0"))], repository_url=upload_url, token=carol_token
    )
    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr

    for token in (maintainer_token, scoped_token):
        refused = twine_upload(
            [write(tmp_path, builders.wheel("claimed-demo", "3.0"))], repository_url=upload_url, token=token
        )
        assert refused.returncode != 0
        assert "403" in refused.stdout + refused.stderr
        assert "isn't allowed to upload to project 'claimed-demo'" in refused.stdout + refused.stderr

    target = tmp_path / "site"
    pip_install(index_url, target, "claimed-demo")
    assert installed(target)["claimed-demo"] == "2.0"
