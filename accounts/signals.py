"""Signals accounts sends so other apps can react without accounts importing them."""

from django.dispatch import Signal

# Sent inside the creating transaction when a user creates an API token: kwargs token (an ApiToken).
token_created = Signal()
