"""Public pages of moderation: the status page and the report form on each project."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.decorators import verified_email_required
from moderation import selectors
from moderation.exceptions import ReportRateLimited, ReportRefused
from moderation.forms import ReportForm
from moderation.services.reports import VERIFY_TO_REPORT, report_create
from registry.selectors import public_project_get


@require_safe
def status_page(request):
    """The admin flags in force, with their messages and since when, and the banners."""
    return render(request, "moderation/status.html", {"flags": selectors.active_flag_list()})


@verified_email_required(reason=VERIFY_TO_REPORT)
@require_http_methods(["GET", "HEAD", "POST"])
def report_project(request, name):
    project = public_project_get(name=name)
    if project is None:
        raise Http404("No such project.")
    form = ReportForm(request.POST or None)
    status, retry_after = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                report_create(
                    project=project,
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    description=form.cleaned_data["description"],
                )
            except ReportRefused as error:
                form.add_error(None, error.message)
                status = 400
                if isinstance(error, ReportRateLimited):
                    status, retry_after = 429, error.retry_after
            else:
                messages.success(
                    request,
                    f"Thank you: your report on {project.name} went to the moderators. You will get an email "
                    "when they resolve it.",
                )
                return redirect(f"/project/{project.normalized_name}/")
        else:
            status = 400
    response = render(
        request,
        "moderation/report.html",
        {"project": project, "form": form, "support_email": settings.WHARF_SUPPORT_EMAIL},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
