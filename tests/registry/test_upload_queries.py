"""Uploads are a hot path: the number of queries per upload is pinned here."""

import pytest
from django.db import connection

from config.celery import app
from tests import builders
from tests.moderation.test_risk import SCORING_QUERIES

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_query_budget(upload, alice_token, django_assert_max_num_queries):
    # Statements, not time: on PostgreSQL each is a round trip. The reads are raw SQL that costs little (token
    # with its uploader, project with role, then clashes with the used filename and the release with its
    # sdist in one statement).
    # The journal is an INSERT and the project's UPDATE; PostgreSQL sends them with its advisory lock as one
    # statement (registry.services.journal): one statement fewer.
    journal = -1 if connection.vendor == "postgresql" else 0
    # The token's first use of the day writes a security-log row (accounts issue).
    # A new name also goes through the name policy (prohibited and too-similar names).
    # Without REDIS_URL, Celery tasks run in the web process: the new project's risk scoring (moderation, its
    # own budget pinned in tests/moderation/test_risk.py) runs after the commit, inside this block.
    # The first flag check on a cold cache also loads the site banners (moderation.policy): one query.
    scoring = SCORING_QUERIES if app.conf.task_always_eager else 0
    # Its first release asks whether a name claim is open on the project (claims flag releases): one more.
    claims = 1
    # A new release emails its Owners after the commit: the release with its project, its files' publisher,
    # the uploader's name and the recipients' addresses in one statement.
    notify = 1
    # A new release moves the project's search entry (registry.services.search_index): one upsert.
    search = 1
    # The storage intent, recorded before the bytes are stored and removed with the rows: two statements.
    intent = 2

    def send(dist):
        return upload(dist, token=alice_token, keep_release_email=True)

    with django_assert_max_num_queries(17 + journal + 1 + 1 + scoring + claims + notify + intent + search):
        assert send(builders.sdist("demo", "1.0")).status_code == 200  # new project
    with django_assert_max_num_queries(10 + journal + claims + notify + intent + search):
        assert send(builders.sdist("demo", "2.0")).status_code == 200  # new release
    with django_assert_max_num_queries(9 + journal + intent):
        assert send(builders.wheel("demo", "2.0")).status_code == 200  # existing release
