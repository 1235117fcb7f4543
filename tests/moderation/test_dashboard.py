"""The admin home page: moderation numbers and a server-rendered SVG chart, at a constant query count."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from moderation import charts
from moderation.enums import ReportReason
from moderation.models import Report
from moderation.selectors import Dashboard, Series, dashboard
from registry.models import Project


@pytest.mark.integration
@pytest.mark.django_db
def test_dashboard_numbers(publish, make_user, moderator):
    publish("demo", "1.0")
    publish("demo", "2.0")
    publish("spam", "1.0")
    Project.objects.filter(name="spam").update(status="quarantined")
    old = Project.objects.get(name="demo")
    Report.objects.create(project=old, project_name="demo", reason=ReportReason.SPAM, description="x")
    Report.objects.create(
        project=old,
        project_name="demo",
        reason=ReportReason.MALWARE,
        description="x",
        reporter=make_user("bob"),
    )
    Report.objects.filter(reason=ReportReason.MALWARE).update(created=timezone.now() - timedelta(days=3))
    data = dashboard()
    assert isinstance(data, Dashboard)
    assert dict(data.open_reports)["Spam"] == 1 and dict(data.open_reports)["Malware"] == 1
    assert (data.open_reports_total, data.quarantined, data.frozen, data.pending_approvals) == (2, 1, 0, 0)
    assert (data.new_accounts, data.new_projects) == (3, 2)  # alice, bob, mod
    assert len(data.days) == 30 and data.days[-1] == timezone.now().date()
    files, projects, reports = (series.values for series in data.series)
    assert (files[-1], projects[-1], reports[-1], reports[-4]) == (3, 2, 1, 1)
    assert sum(files) == 3


@pytest.mark.integration
@pytest.mark.django_db
def test_admin_home_shows_the_dashboard(mod_client, publish):
    publish("demo", "1.0")
    mod_client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        body = mod_client.get("/admin/").content.decode()
    assert len(queries) <= 14
    assert "Open reports" in body and "Quarantined projects" in body and "New projects (24 h)" in body
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", body, re.S).group(0)
    assert (
        svg.count('class="series"') == 3 and "<title" in svg and "<script" not in body.split("<svg")[1][:5000]
    )
    assert "Files uploaded: 1 in 30 days, 1 today" in body


@pytest.mark.integration
@pytest.mark.django_db
def test_staff_without_queue_permission_see_no_dashboard(admin_as, make_user):
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    response = admin_as(staff).get("/admin/")
    assert response.status_code == 200 and "Open reports" not in response.content.decode()


@pytest.mark.unit
def test_chart_coordinates():
    days = [timezone.now().date() - timedelta(days=offset) for offset in range(2, -1, -1)]
    chart = charts.line_chart(days, [Series("a", "#000", [0, 5, 10])])
    assert [tick.label for tick in chart.y_ticks] == ["0", "5", "10", "15", "20"]
    points = [tuple(map(float, point.split(","))) for point in chart.lines[0].points.split()]
    assert points[0] == (charts.LEFT, chart.bottom) and points[-1][0] == chart.right
    assert points[2][1] == pytest.approx((chart.top + chart.bottom) / 2)
    assert chart.lines[0].total == 15 and chart.lines[0].last == 10
