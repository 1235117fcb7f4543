"""`manage.py mint_token USERNAME [--project NAME] [--description TEXT]`: prints the new API token alone."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.exceptions import AccountError
from accounts.models import User
from accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it, alone, on stdout."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--project", help="Scope the token to this project (the user must have a role on it)."
        )
        parser.add_argument("--description", help="The token's name (default: 'command line <timestamp>').")

    def handle(self, *args, username, project, description, **options):
        from registry.selectors import project_for_user

        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no user named '{username}'.")
        scope = None
        if project:
            scope = project_for_user(user=user, name=project)
            if scope is None:
                raise CommandError(f"'{username}' has no role on a project named '{project}'.")
        description = description or f"command line {timezone.now():%Y-%m-%d %H:%M:%S.%f}"
        try:
            minted = token_create(user=user, description=description, project=scope)
        except AccountError as error:
            raise CommandError(error.message) from None
        self.stdout.write(minted.raw)
