"""The verified-email check other issues reuse: service, function decorator and class mixin."""

import pytest
from allauth.account.models import EmailAddress

from accounts.exceptions import EmailNotVerified
from accounts.services import require_verified_email

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]


def test_service(alice, make_user):
    require_verified_email(alice)
    bob = make_user("bob", verified=False)
    with pytest.raises(EmailNotVerified) as refused:
        require_verified_email(bob, reason="You must verify your primary email address before you can do it.")
    assert refused.value.url == "/accounts/email/"
    assert refused.value.message == (
        "You must verify your primary email address before you can do it. "
        "Manage your email addresses at /accounts/email/"
    )


def test_a_verified_secondary_address_is_not_enough(alice):
    EmailAddress.objects.filter(user=alice).update(verified=False)
    EmailAddress.objects.create(user=alice, email="alice2@example.com", verified=True, primary=False)
    with pytest.raises(EmailNotVerified):
        require_verified_email(alice)


@pytest.mark.parametrize(
    "path, reason",
    [
        (
            "/guarded/function/",
            "You must verify your primary email address before you can perform this action.",
        ),
        ("/guarded/class/", "You must verify your primary email address before you can file a name claim."),
    ],
)
def test_guards(client, sign_in, alice, path, reason):
    assert client.get(path)["Location"].startswith("/accounts/login/?next=")
    sign_in(alice)
    assert client.get(path).status_code == 200
    EmailAddress.objects.filter(user=alice).update(verified=False)
    refused = client.get(path)
    assert refused.status_code == 403
    assert reason in refused.content.decode()
    assert 'href="/accounts/email/"' in refused.content.decode()
