"""What every moderation admin action shares (the queue's and the claims workbench's): a confirmation page
that lists the objects and asks for a reason, then one service call; and the read-only display helpers of the
queue's change pages."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from moderation.audit import audit_trail
from moderation.exceptions import ModerationError
from moderation.forms import ReasonForm
from moderation.services import needs_second_moderator

# The confirmation page lists this many objects by name; all of them are posted back.
LISTED = 200


def confirm_action(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    *,
    action: str,
    title: str,
    explanation: str,
    perform: Callable[[list, dict], str],
    form_class=ReasonForm,
    destructive: bool = False,
    acts_on: Callable[[list], list] | None = None,
    describe: Callable[[object], str] = str,
    refused_status: int = 400,
):
    """Show the confirmation page of `action` for `queryset`; once confirmed with a valid reason, call
    `perform(objects, cleaned_data)` (one service) and show the message it returns, or each of the
    `(level, message)` pairs it returns when it reports object by object. `acts_on` maps the selection to
    what a bulk action (`moderation.services.bulk_action`) acts on: the distinct projects of some reports,
    the owners of some projects. Above WHARF_MODERATION_APPROVAL_THRESHOLD of those the action waits for a
    second moderator, and the page says so. `describe(obj)` is an object's line on the page (HTML allowed
    through `format_html`); a form with errors is shown again with `refused_status`.

    Returns the page, or None once the action ran (Django's admin then goes back to the changelist). A
    refused action (ModerationError) shows its one sentence as an error and changes nothing.
    """
    form = form_class(request.POST if "confirm" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            result = perform(list(queryset), form.cleaned_data)
        except ModerationError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
        else:
            for level, message in [(messages.SUCCESS, result)] if isinstance(result, str) else result:
                modeladmin.message_user(request, message, level)
        return None  # back to the changelist
    objects = list(queryset)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "objects": [describe(obj) for obj in objects[:LISTED]],
        "more": max(len(objects) - LISTED, 0),
        "count": len(objects),
        "ids": [obj.pk for obj in objects],
        "form": form,
        "action": action,
        "destructive": destructive,
        "needs_approval": acts_on is not None and needs_second_moderator(len(acts_on(objects))),
        "threshold": settings.WHARF_MODERATION_APPROVAL_THRESHOLD,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(
        request,
        "admin/moderation/action_confirmation.html",
        context,
        status=refused_status if form.errors else 200,
    )


def audit_trail_html(obj) -> str:
    """The audit entries that touched `obj`, newest first, as a table for a read-only field."""
    entries = list(audit_trail(target=obj)[:100])
    if not entries:
        return "No moderation step on record."
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (f"{entry.created:%Y-%m-%d %H:%M}", entry.actor_name or "system", entry.action, entry.reason)
            for entry in entries
        ),
    )
    return format_html(
        "<table><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Reason</th></tr></thead>"
        "<tbody>{}</tbody></table>",
        rows,
    )


def admin_link(obj, label: str | None = None) -> str:
    """A link to `obj`'s change page in this admin (the queue's proxies for projects and accounts)."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def age_text(moment) -> str:
    from django.utils.timesince import timesince

    return f"{timesince(moment).split(',')[0]} ago" if moment else "-"
