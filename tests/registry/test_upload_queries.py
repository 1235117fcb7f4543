"""Uploads are a hot path: the number of queries per upload is pinned here."""

import pytest

from tests import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_query_budget(upload, alice_token, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert upload(builders.sdist("demo", "1.0"), token=alice_token).status_code == 200  # new project
    with django_assert_max_num_queries(12):
        assert upload(builders.sdist("demo", "2.0"), token=alice_token).status_code == 200  # new release
    with django_assert_max_num_queries(11):
        assert upload(builders.wheel("demo", "2.0"), token=alice_token).status_code == 200  # existing release
