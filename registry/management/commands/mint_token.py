"""`manage.py mint_token USERNAME [--project NAME] [--permission P ...] [--description TEXT]`: prints the new
API token alone."""

from django.core.management.base import BaseCommand, CommandError

from accounts.enums import TokenPermission
from accounts.exceptions import AccountError
from accounts.models import User
from accounts.services import token_create, token_default_description


class Command(BaseCommand):
    help = "Create an API token for a user and print it, alone, on stdout."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--project", help="Scope the token to this project (the user must have a role on it)."
        )
        parser.add_argument(
            "--permission",
            action="append",
            dest="permissions",
            metavar="P",
            help=f"Give the token this permission ({', '.join(TokenPermission.values)}); repeat for several. "
            "Default: upload.",
        )
        parser.add_argument(
            "--description", help="The token's name (default: 'Command line, <date> <time> UTC')."
        )

    def handle(self, *args, username, project, permissions, description, **options):
        from registry.selectors import project_for_user

        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no user named '{username}'.")
        scope = None
        if project:
            scope = project_for_user(user=user, name=project)
            if scope is None:
                raise CommandError(f"'{username}' has no role on a project named '{project}'.")
        try:
            minted = token_create(
                user=user,
                description=description or token_default_description(user=user),
                project=scope,
                permissions=permissions or [TokenPermission.UPLOAD],
                # The administrator at the console vouches for the account (README: createuser, mint_token).
                check_email=False,
            )
        except AccountError as error:
            raise CommandError(error.message) from None
        self.stdout.write(minted.raw)
