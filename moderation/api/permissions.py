"""Who may call a moderation endpoint: a moderator's token with the `moderate` permission (or a moderator's
browser session) whose account holds the step's moderation permission. Never a bare `is_superuser` test:
`has_perm` answers for superusers and the Moderators group alike, as the admin's actions ask it."""

from accounts.authentication import requires
from accounts.enums import TokenPermission

_Moderates = requires(TokenPermission.MODERATE, account_wide=True)


def moderates(codename: str) -> type:
    """The permission class of an endpoint whose step needs `moderation.<codename>`."""

    class Moderates(_Moderates):
        def has_permission(self, request, view):
            if not super().has_permission(request, view):
                return False
            if not request.user.has_perm(f"moderation.{codename}"):
                self.message = f"Your account lacks the moderation permission '{codename}' this step needs."
                self.code = "permission_denied"
                return False
            return True

    Moderates.__name__ = f"Moderates_{codename}"
    return Moderates
