"""Reports and the moderators' steps through the API: permission-checked, audited, four eyes in bulk."""

import pytest
from django.contrib.auth.models import Permission

from accounts.models import ApiToken, User
from moderation.models import AdminFlag, AuditEntry, PendingAction, Report
from moderation.services import report_create
from registry.models import Project
from tests import builders
from tests.api.conftest import error

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# Everyone but the moderator is refused a moderation step.
NOT_MODERATORS = {
    "anonymous": (401, "not_authenticated"),
    "other user": (403, "missing_permission"),
    "maintainer": (403, "missing_permission"),
    "owner": (403, "missing_permission"),
    "other project": (403, "missing_permission"),
    "expired": (401, "authentication_failed"),
    "revoked": (401, "authentication_failed"),
    "upload only": (403, "missing_permission"),
}
REASON = {"reason": "Malware in setup.py."}


@pytest.fixture
def flags(db):
    from moderation import policy

    AdminFlag.objects.get_or_create(
        id="disallow-new-upload",
        defaults={"description": "Disallow new uploads", "message": "Uploads paused."},
    )
    policy.forget_flags()


@pytest.mark.parametrize("actor", list(NOT_MODERATORS))
def test_moderation_steps_refused(api, world, flags, actor, unchanged):
    status, code = NOT_MODERATORS[actor]
    token = world.tokens[actor]
    audits = AuditEntry.objects.count()
    with unchanged():
        for method, path, body in [
            ("GET", "moderation/reports/?status=open", None),
            ("POST", "moderation/projects/demo/quarantine/", REASON),
            ("POST", "moderation/projects/demo/release/", REASON),
            ("POST", "moderation/projects/demo/remove/", REASON),
            ("POST", "moderation/projects/quarantine/", {"names": ["demo"], **REASON}),
            ("POST", "moderation/users/bob/freeze/", REASON),
            ("POST", "moderation/users/bob/unfreeze/", REASON),
            ("GET", "moderation/flags/", None),
            ("PUT", "moderation/flags/disallow-new-upload/", {"enabled": True, **REASON}),
            ("GET", "moderation/pending/", None),
        ]:
            error(api(method, path, body, token=token), status, code)
    assert AuditEntry.objects.count() == audits
    assert User.objects.get(username="bob").is_active


def test_moderate_permission_is_needed_even_for_moderators(api, world, make_token):
    plain = make_token(world.moderator, permissions=("manage",), description="plain")
    error(api("GET", "moderation/reports/", token=plain), 403, "missing_permission", "'moderate'")


def test_each_step_checks_its_own_moderation_permission(api, world):
    world.moderator.groups.clear()
    world.moderator.user_permissions.add(
        Permission.objects.get(content_type__app_label="moderation", codename="view_report")
    )
    token = world.tokens["moderator"]
    assert api("GET", "moderation/reports/", token=token).status_code == 200
    error(
        api("POST", "moderation/projects/demo/quarantine/", REASON, token=token),
        403,
        "permission_denied",
        "'quarantine_project'",
    )


def test_report_a_project(api, world, unchanged):
    body = {"reason": "spam", "description": "Nothing but links to a casino."}
    filed = api("POST", "projects/demo/reports/", body, token=world.tokens["other user"])
    assert filed.status_code == 201, filed.data
    assert (filed.data["project"], filed.data["state"]) == ("demo", "open")
    with unchanged():
        error(
            api("POST", "projects/demo/reports/", body, token=world.tokens["other user"]),
            400,
            "invalid",
            "already",
        )
        error(
            api("POST", "projects/demo/reports/", body, token=world.tokens["owner"]),
            400,
            "invalid",
            "maintainers",
        )
        error(api("POST", "projects/demo/reports/", body), 401)
        error(
            api("POST", "projects/demo/reports/", body, token=world.tokens["upload only"]),
            403,
            "missing_permission",
        )
        error(
            api("POST", "projects/demo/reports/", body, token=world.tokens["other project"]),
            403,
            "token_scope",
        )
        error(
            api(
                "POST",
                "projects/demo/reports/",
                {"reason": "spam", "description": "short"},
                token=world.tokens["maintainer"],
            ),
            400,
        )
        error(
            api(
                "POST",
                "projects/demo/reports/",
                {**body, "reason": "boring"},
                token=world.tokens["moderator"],
            ),
            400,
            "invalid_choice",
        )
        error(api("POST", "projects/nope/reports/", body, token=world.tokens["moderator"]), 404)
    assert Report.objects.count() == 1


def test_report_queue_filters(api, world):
    report_create(
        project=world.demo, reporter=world.bob, reason="spam", description="Links to a casino only."
    )
    report_create(
        project=world.other, reporter=world.bob, reason="malware", description="Steals credentials."
    )
    token = world.tokens["moderator"]
    everything = api("GET", "moderation/reports/?status=open", token=token).data["results"]
    assert {r["project"] for r in everything} == {"demo", "other"}
    malware = api("GET", "moderation/reports/?status=open&reason=malware", token=token).data["results"]
    assert [(r["project"], r["reporter"]) for r in malware] == [("other", "bob")]
    error(api("GET", "moderation/reports/?status=lost", token=token), 400, "invalid_choice")
    dismissed = api("POST", f"moderation/reports/{malware[0]['id']}/dismiss/", REASON, token=token)
    assert dismissed.status_code == 200 and dismissed.data["state"] == "dismissed"
    assert api("GET", "moderation/reports/?status=open", token=token).data["count"] == 1


def test_quarantine_and_release(api, world, upload):
    token = world.tokens["moderator"]
    done = api("POST", "moderation/projects/Demo/quarantine/", REASON, token=token)
    assert done.status_code == 200, done.data
    assert done.data["status"] == "quarantined"
    assert done.data["quarantine"]["reason"] == REASON["reason"] and done.data["quarantine"]["by"] == "molly"
    assert upload(builders.wheel("demo", "2.0"), token=world.tokens["owner"]).status_code == 403
    error(api("GET", "projects/demo/", token=world.tokens["other user"]), 404)
    audit = AuditEntry.objects.get(action="project quarantined")
    assert (audit.actor_name, audit.reason) == ("molly", REASON["reason"])
    released = api("POST", "moderation/projects/demo/release/", {"reason": "False alarm."}, token=token)
    assert released.status_code == 200 and released.data == {
        "name": "demo",
        "status": "active",
        "quarantine": None,
    }
    error(api("POST", "moderation/projects/demo/quarantine/", {}, token=token), 400, "required", "'reason'")
    error(api("POST", "moderation/projects/nope/quarantine/", REASON, token=token), 404, "not_found")


def test_remove_needs_a_second_moderator_above_the_threshold(
    api, world, make_moderator, make_token, settings
):
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 0
    token = world.tokens["moderator"]
    waiting = api("POST", "moderation/projects/demo/remove/", REASON, token=token)
    assert waiting.status_code == 202, waiting.data
    pending_id = waiting.data["id"]
    assert (waiting.data["kind"], waiting.data["state"], waiting.data["objects"]) == (
        "remove-projects",
        "pending",
        ["demo"],
    )
    assert Project.objects.filter(name="demo").exists()
    error(
        api("POST", f"moderation/pending/{pending_id}/approve/", REASON, token=token),
        403,
        "permission_denied",
        "you made it",
    )
    second = make_token(make_moderator("max"), permissions=("moderate",), description="second")
    assert [p["id"] for p in api("GET", "moderation/pending/", token=second).data["results"]] == [pending_id]
    approved = api("POST", f"moderation/pending/{pending_id}/approve/", {"reason": "Agreed."}, token=second)
    assert approved.status_code == 200 and approved.data["state"] == "approved"
    assert not Project.objects.filter(name="demo").exists()
    error(api("POST", f"moderation/pending/{pending_id}/reject/", REASON, token=second), 409, "conflict")


def test_remove_at_once_below_the_threshold(api, world):
    answer = api(
        "POST",
        "moderation/projects/other/remove/",
        {**REASON, "prohibit_names": True},
        token=world.tokens["moderator"],
    )
    assert answer.status_code == 204
    assert not Project.objects.filter(name="other").exists()
    assert api("GET", "names/other/").data["rule"] == "prohibited"


def test_bulk_steps(api, world, settings):
    token = world.tokens["moderator"]
    quarantined = api(
        "POST", "moderation/projects/quarantine/", {"names": ["demo", "other"], **REASON}, token=token
    )
    assert quarantined.status_code == 200 and quarantined.data == {"done": ["demo", "other"]}
    error(
        api("POST", "moderation/projects/release/", {"names": ["demo", "ghost"], **REASON}, token=token),
        400,
        "not_found",
        "'ghost'",
    )
    assert Project.objects.get(name="demo").status == "quarantined"
    settings.WHARF_MODERATION_APPROVAL_THRESHOLD = 1
    waiting = api("POST", "moderation/projects/remove/", {"names": ["demo", "other"], **REASON}, token=token)
    assert waiting.status_code == 202 and PendingAction.objects.get().pk == waiting.data["id"]
    frozen = api("POST", "moderation/users/freeze/", {"usernames": ["bob"], **REASON}, token=token)
    assert frozen.status_code == 200 and frozen.data == {"done": ["bob"]}
    waiting = api("POST", "moderation/users/freeze/", {"usernames": ["mary", "alice"], **REASON}, token=token)
    assert waiting.status_code == 202 and waiting.data["kind"] == "freeze-users"
    unfrozen = api("POST", "moderation/users/unfreeze/", {"usernames": ["bob"], **REASON}, token=token)
    assert unfrozen.data == {"done": ["bob"]}


def test_freeze_and_unfreeze(api, world):
    token = world.tokens["moderator"]
    frozen = api("POST", "moderation/users/Mary/freeze/", REASON, token=token)
    assert frozen.status_code == 200, frozen.data
    assert (frozen.data["frozen"], frozen.data["is_active"]) == (True, False)
    assert not ApiToken.objects.filter(user=world.mary, revoked__isnull=True).exists()
    error(api("GET", "me/", token=world.tokens["maintainer"]), 401)
    assert Project.objects.get(name="demo").status == "quarantined"
    error(
        api("POST", "moderation/users/molly/freeze/", REASON, token=token), 400, "invalid", "your own account"
    )
    unfrozen = api("POST", "moderation/users/mary/unfreeze/", REASON, token=token)
    assert unfrozen.data["frozen"] is False and unfrozen.data["is_active"] is True
    assert Project.objects.get(name="demo").status == "active"
    error(api("POST", "moderation/users/nobody/freeze/", REASON, token=token), 404)


def test_flags(api, world, flags, upload):
    token = world.tokens["moderator"]
    listed = api("GET", "moderation/flags/", token=token).data["results"]
    assert "disallow-new-upload" in [f["id"] for f in listed]
    switched = api(
        "PUT",
        "moderation/flags/disallow-new-upload/",
        {"enabled": True, "reason": "Incident", "message": "Uploads are paused for an hour."},
        token=token,
    )
    assert switched.status_code == 200 and switched.data["enabled"] is True
    assert switched.data["updated_by"] == "molly"
    refused = upload(builders.wheel("demo", "3.0"), token=world.tokens["owner"])
    assert refused.status_code == 403 and "paused" in refused.reason_phrase
    assert AuditEntry.objects.get(action="flag disallow-new-upload on").reason == "Incident"
    error(
        api("PUT", "moderation/flags/disallow-new-upload/", {"enabled": False}, token=token), 400, "required"
    )
    error(api("PUT", "moderation/flags/no-such-flag/", {"enabled": False, **REASON}, token=token), 404)
