"""`{% moderation_dashboard %}`: the moderation numbers and chart on the admin home page, for staff who may
see the report queue."""

from django import template

from moderation import charts, selectors
from moderation.enums import ReportReason

register = template.Library()


@register.inclusion_tag("admin/moderation/dashboard.html", takes_context=True)
def moderation_dashboard(context):
    request = context.get("request")
    if request is None or not request.user.has_perm("moderation.view_report"):
        return {"show": False}
    data = selectors.dashboard()
    return {
        "show": True,
        "data": data,
        "show_claims": request.user.has_perm("claims.view_claim"),
        # (reason value, label, count): each count links to the open reports of that reason.
        "open_reports": [
            (value, label, count)
            for value, (label, count) in zip(ReportReason.values, data.open_reports, strict=True)
        ],
        "chart": charts.line_chart(data.days, data.series),
        "days": list(zip(data.days, *(s.values for s in data.series), strict=True)),
        "series": data.series,
    }
