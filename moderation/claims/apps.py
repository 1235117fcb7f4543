"""PEP 541 name claims: a case with its own clock and evidence (its own app, label "claims")."""

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "moderation.claims"
    label = "claims"
    verbose_name = "Name claims (PEP 541)"

    def ready(self):
        from moderation.claims import receivers  # noqa: F401 (connects the signal receivers)
