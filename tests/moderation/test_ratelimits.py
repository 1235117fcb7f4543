"""Rate limits on new projects (Warehouse's `create_project`): 20 an hour per account and 40 per IP
address by default, 429 "Too many new projects created"; only creations that commit count."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from registry import ratelimits
from registry.models import Project
from tests import builders


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [
        ("20/hour", 20, 3600),
        ("40 per hour", 40, 3600),
        ("10/5m", 10, 300),
        ("100/day", 100, 86400),
        ("3/h", 3, 3600),
        ("5/minutes", 5, 60),
    ],
)
def test_parse_rate(text, count, seconds):
    assert ratelimits.parse_rate(text) == ratelimits.Rate(count, seconds)


@pytest.mark.unit
@pytest.mark.parametrize("text", ["", "20", "0/hour", "20/fortnight", "x/hour", "-1/hour"])
def test_parse_rate_refuses_nonsense(text):
    with pytest.raises(ImproperlyConfigured, match="is not a rate such as '20/hour'"):
        ratelimits.parse_rate(text)


@pytest.mark.integration
@pytest.mark.django_db
def test_sliding_window():
    window = ratelimits.SlidingWindow("test", ratelimits.Rate(2, 100))
    start = 1_000_000.0  # a bucket boundary
    assert window.allowed("k", now=start)
    window.hit("k", now=start + 10)
    window.hit("k", now=start + 20)
    assert not window.allowed("k", now=start + 50)
    assert window.allowed("other", now=start + 50)
    # Half-way through the next bucket half of the previous one still counts: 1 of 2 used.
    assert window.allowed("k", now=start + 150)
    assert window.current("k", now=start + 150) == pytest.approx(1.0)
    assert window.current("k", now=start + 250) == 0


@pytest.mark.integration
@pytest.mark.django_db
@pytest.mark.parametrize("offset", [0, 10, 50, 99])
@pytest.mark.parametrize("hits", [(2, 0), (0, 2), (1, 2), (2, 2), (5, 1)])
def test_retry_after_is_when_one_more_fits(offset, hits):
    window = ratelimits.SlidingWindow("test", ratelimits.Rate(2, 100))
    start = 1_000_000.0  # a bucket boundary
    for _ in range(hits[0]):
        window.hit("k", now=start - 50)  # the previous bucket
    for _ in range(hits[1]):
        window.hit("k", now=start)
    now = start + offset
    if window.allowed("k", now=now):
        return
    wait = window.retry_after("k", now=now)
    assert window.allowed("k", now=now + wait)
    assert not window.allowed("k", now=now + wait - 2)


@pytest.mark.integration
@pytest.mark.django_db
def test_take_never_passes_the_limit():
    window = ratelimits.SlidingWindow("test", ratelimits.Rate(3, 100))
    taken = [window.take("k", now=1_000_010.0) for _ in range(5)]
    assert [t is not None for t in taken] == [True, True, True, False, False]
    taken[0].refund()  # an action that did not happen after all
    assert window.take("k", now=1_000_020.0) is not None
    assert window.take("k", now=1_000_020.0) is None


@pytest.mark.integration
@pytest.mark.django_db
def test_defaults_follow_pypi(settings):
    assert (settings.WHARF_PROJECT_CREATE_USER_RATE, settings.WHARF_PROJECT_CREATE_IP_RATE) == (
        "20/hour",
        "40/hour",
    )


@pytest.mark.integration
@pytest.mark.django_db
def test_per_user_limit(upload, alice_token, unchanged):
    for index in range(20):
        assert upload(builders.wheel(f"pkg{index}", "1.0"), token=alice_token).status_code == 200
    with unchanged():
        refused = upload(builders.wheel("pkg20", "1.0"), token=alice_token)
    assert (refused.status_code, refused.reason_phrase) == (429, "Too many new projects created")
    assert 0 < int(refused["Retry-After"]) <= 2 * 3600  # when the sliding window lets one more in
    # Existing projects still take uploads.
    assert upload(builders.wheel("pkg0", "2.0"), token=alice_token).status_code == 200


@pytest.mark.integration
@pytest.mark.django_db
def test_per_ip_limit(upload, make_user, make_token, settings):
    settings.WHARF_PROJECT_CREATE_IP_RATE = "3/hour"
    tokens = [make_token(make_user(f"user{index}")) for index in range(2)]
    for index in range(3):
        assert upload(builders.wheel(f"pkg{index}", "1.0"), token=tokens[index % 2]).status_code == 200
    refused = upload(builders.wheel("pkg3", "1.0"), token=tokens[1])
    assert (refused.status_code, refused.reason_phrase) == (429, "Too many new projects created")
    assert Project.objects.count() == 3


@pytest.mark.integration
@pytest.mark.django_db
def test_refused_creations_do_not_count(upload, alice_token, settings):
    settings.WHARF_PROJECT_CREATE_USER_RATE = "1/hour"
    bad = builders.wheel("xml", "1.0")  # a standard-library name: refused after the rate check
    assert upload(bad, token=alice_token).status_code == 400
    assert upload(builders.wheel("demo", "1.0"), token=alice_token).status_code == 200
    assert upload(builders.wheel("other", "1.0"), token=alice_token).status_code == 429
