"""Filters of the registry's REST API lists (django-filter)."""

import django_filters
from django.db.models import Q

from registry.models import JournalEntry, Project, Role


class ProjectFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(
        method="filter_owner", help_text="Only projects this user holds a role on (Owner or Maintainer)."
    )

    class Meta:
        model = Project
        fields = ["owner"]

    def filter_owner(self, queryset, name, value):
        roles = Role.objects.filter(user__username__iexact=value.strip(), user__is_active=True)
        return queryset.filter(Q(pk__in=roles.values("project_id")))


class JournalFilter(django_filters.FilterSet):
    since = django_filters.NumberFilter(
        field_name="id",
        lookup_expr="gt",
        min_value=0,
        max_value=2**63 - 1,
        help_text="Only entries after this serial.",
    )

    class Meta:
        model = JournalEntry
        fields = ["since"]
