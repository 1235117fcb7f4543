"""`manage.py createuser USERNAME --email EMAIL --password PASSWORD [--verified-email] [--superuser]`."""

from django.core.management.base import BaseCommand, CommandError

from accounts.exceptions import AccountError
from accounts.services import user_create


class Command(BaseCommand):
    help = "Create a Wharf account from the command line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--verified-email", action="store_true", help="Mark the email address verified.")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Give the account every admin right (its email address is then marked verified too).",
        )

    def handle(self, *args, username, email, password, verified_email, superuser, **options):
        # The first administrator is made here: without a verified address they could not set up the
        # two-factor authentication the admin requires.
        verified_email = verified_email or superuser
        try:
            user = user_create(
                username=username,
                email=email,
                password=password,
                verified_email=verified_email,
                superuser=superuser,
            )
        except AccountError as error:
            raise CommandError(error.message) from None
        state = "verified" if verified_email else "unverified"
        self.stderr.write(f"Created user '{user.username}' with {state} email {email}.")
