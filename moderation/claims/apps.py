from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "moderation.claims"
    label = "claims"
    verbose_name = "Name claims (PEP 541)"
