"""The name policy for new projects: one decision for upload, the name check page and name claims.

Every refusal names its rule in one sentence (docs/hostile-inputs.md, G) and never reveals why an
administrator prohibited a name.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moderation.models import ProhibitedProjectName
from registry.exceptions import InvalidUpload, NameConflict
from registry.models import Project, Role
from registry.services.projects import NameRule, check_new_project_name, name_decision
from tests import builders
from tests.conftest import basic_auth, upload_parts
from tests.multipart import encode

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_available_name():
    decision = name_decision("brand-new")
    assert (decision.available, decision.rule, decision.status) == (True, None, 200)
    assert decision.message == "The name 'brand-new' is available."
    check_new_project_name("brand-new")  # no exception


@pytest.mark.parametrize(
    "name", ["flywheel<img src=x onerror=alert(1)>", "demo\n", "\u212aelvin", "-demo", "a" * 201]
)
def test_invalid_names(name):
    decision = name_decision(name)
    assert (decision.rule, decision.status) == (NameRule.INVALID, 400)
    assert decision.message.startswith(f"The name '{name}' is invalid: ")
    assert decision.message.endswith(" for more information.")
    with pytest.raises(InvalidUpload):
        check_new_project_name(name)


def test_stdlib_message_names_module_and_versions():
    decision = name_decision("xml")
    assert decision.rule == NameRule.STDLIB
    assert decision.message == (
        "The name 'xml' isn't allowed: it conflicts with the Python standard library module 'xml' "
        "(Python 2.6 to 3.14). See /names/check/?name=xml for more information."
    )
    removed = name_decision("asynchat")
    assert removed.reason.endswith("module 'asynchat' (Python 2.6 to 3.11).")


@pytest.mark.parametrize(
    "name",
    [
        "xml",
        "XML",
        "PiCKle",
        "main",
        "future",
        "test",
        "encodings.idna",
        "xml.etree.ElementTree",
        "CGIHTTPServer",
    ],
)
def test_stdlib_names_in_any_spelling_are_refused(name):
    assert name_decision(name).rule == NameRule.STDLIB


def test_seeded_typo_traps_are_prohibited_without_their_reason():
    for name in ("requirements.txt", "rrequirements.txt", "Requirements_TXT"):
        decision = name_decision(name)
        assert decision.rule == NameRule.PROHIBITED, name
        assert (
            decision.reason
            == f"The name '{name}' isn't allowed: the administrators of this index prohibited it."
        )
    seeded = ProhibitedProjectName.objects.get(name="requirements-txt")
    assert "Typo trap" in seeded.reason


def test_prohibited_reason_stays_private(web):
    ProhibitedProjectName.objects.create(name="gadzooks", reason="SECRET: used by the 2026 malware wave")
    decision = name_decision("Gadzooks")
    assert decision.rule == NameRule.PROHIBITED and "SECRET" not in decision.message
    page = web.get("/names/check/", {"name": "Gadzooks"}).content.decode()
    assert "prohibited by the administrators" in page and "SECRET" not in page


def test_existing_project_conflicts(publish, alice, make_user):
    publish("Demo_Pkg", "1.0")
    decision = name_decision("demo.pkg")
    assert (decision.rule, decision.status, decision.project.name) == (NameRule.EXISTS, 409, "Demo_Pkg")
    assert decision.reason == "The name 'demo.pkg' conflicts with the existing project 'Demo_Pkg'."
    # Spelled as the project is, the sentence names it once.
    assert name_decision("Demo_Pkg").reason == "A project named 'Demo_Pkg' already exists."
    assert decision.user_role is None
    assert name_decision("demo-pkg", user=alice).user_role == "Owner"
    assert name_decision("demo-pkg", user=make_user("bob")).user_role is None
    with pytest.raises(NameConflict):
        check_new_project_name("DEMO-PKG")


def test_registered_project_without_release_is_reserved(make_user):
    bob = make_user("bob")
    project = Project.objects.create(name="parked", normalized_name="parked")
    Role.objects.create(user=bob, project=project, role_name="Owner")
    decision = name_decision("Parked")
    assert (decision.rule, decision.status, decision.project) == (NameRule.RESERVED, 409, project)
    assert decision.reason == (
        "The name 'Parked' is reserved: the project 'parked' was registered by an account that has not "
        "published a release yet."
    )


@pytest.mark.parametrize(
    "name", ["toast1ng", "toastlng", "t0asting", "toast-ing", "toast.ing", "toast_ing", "TOASTlNG"]
)
def test_too_similar_names_the_existing_project(publish, name):
    publish("toasting", "1.0")
    decision = name_decision(name)
    assert (decision.rule, decision.status, decision.project.name) == (NameRule.TOO_SIMILAR, 400, "toasting")
    assert decision.reason.startswith(
        f"The name '{name}' is too similar to the existing project 'toasting': "
    )


def test_quarantined_project_still_owns_its_name(publish):
    publish("demo", "1.0")
    Project.objects.update(status="quarantined")
    assert name_decision("demo").rule == NameRule.EXISTS
    assert name_decision("dem0").rule == NameRule.TOO_SIMILAR


def test_existing_project_comes_before_prohibition(publish):
    """An admin who prohibits an existing project's name and keeps the project leaves it its name."""
    publish("demo", "1.0")
    ProhibitedProjectName.objects.create(name="demo", reason="kept")
    assert name_decision("demo").rule == NameRule.EXISTS
    assert name_decision("demo2").available


def test_decision_costs_at_most_two_queries(publish):
    publish("demo", "1.0")
    with CaptureQueriesContext(connection) as queries:
        name_decision("brand-new")
    assert len(queries) == 2  # projects of the same (ultra)normalized form, prohibited names


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from("toasting"), st.sampled_from(["", "-", ".", "_"]), st.booleans()),
        min_size=8,
        max_size=8,
    )
)
def test_no_confusable_spelling_of_an_existing_project_is_available(publish_toasting, spelling):
    """Property: every spelling that differs only in case, separators, l/i/1 or o/0 is refused."""
    confusables = {"i": "i1lIL", "o": "o0O", "t": "tT", "a": "aA", "s": "sS", "n": "nN", "g": "gG"}
    name = ""
    for index, (_, separator, flip) in enumerate(spelling):
        letter = "toasting"[index]
        options = confusables[letter]
        name += options[(index + flip) % len(options)] + (separator if index < 7 else "")
    decision = name_decision(name)
    assert decision.rule in (NameRule.EXISTS, NameRule.TOO_SIMILAR), name
    assert decision.project.name == "toasting"


@pytest.fixture
def publish_toasting(publish):
    publish("toasting", "1.0")


# --- upload answers with the same decision ------------------------------------------------------------------


def refused(response, status: int, message: str) -> None:
    assert response.status_code == status, (response.status_code, response.reason_phrase)
    assert response.reason_phrase == message, response.reason_phrase


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "xml",
            "The name 'xml' isn't allowed: it conflicts with the Python standard library module 'xml' "
            "(Python 2.6 to 3.14).",
        ),
        (
            "requirements.txt",
            "The name 'requirements.txt' isn't allowed: the administrators of this index prohibited it.",
        ),
    ],
)
def test_upload_of_refused_name_links_to_the_check_page(upload, alice_token, unchanged, name, reason):
    with unchanged():
        response = upload(builders.wheel(name, "1.0"), token=alice_token)
    link = f"http://testserver/names/check/?name={name}"
    refused(response, 400, f"{reason} See {link} for more information.")


def test_upload_too_similar_names_the_project(upload, publish, make_user, make_token, unchanged):
    publish("toasting", "1.0")
    bob_token = make_token(make_user("bob"))
    with unchanged():
        response = upload(builders.wheel("t0ast1ng", "1.0"), token=bob_token)
    assert response.status_code == 400
    assert "too similar to the existing project 'toasting'" in response.reason_phrase
    assert "http://testserver/names/check/?name=t0ast1ng" in response.reason_phrase


def test_upload_to_reserved_project_of_another_account_is_the_permission_path(
    upload, make_user, make_token, unchanged
):
    bob = make_user("bob")
    project = Project.objects.create(name="parked", normalized_name="parked")
    Role.objects.create(user=bob, project=project, role_name="Owner")
    with unchanged():
        response = upload(builders.wheel("parked", "1.0"), token=make_token(make_user("carol")))
    assert response.status_code == 403
    assert response.reason_phrase.startswith("The user 'carol' isn't allowed to upload to project 'parked'.")
    # Its owner publishes the first release as usual.
    assert upload(builders.wheel("parked", "1.0"), token=make_token(bob)).status_code == 200


def test_upload_never_reveals_a_prohibited_reason(client, alice_token):
    ProhibitedProjectName.objects.create(name="gadzooks", reason="SECRET reason")
    dist = builders.wheel("gadzooks", "1.0")
    body, content_type = encode(upload_parts(dist))
    response = client.generic(
        "POST",
        "/legacy/",
        body,
        content_type=content_type,
        HTTP_AUTHORIZATION=basic_auth("__token__", alice_token),
    )
    assert response.status_code == 400 and "SECRET" not in response.content.decode()
