from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from .models import User


class AuthenticationBackend(AllauthBackend):
    """Allauth's login by NIP (username) or email; loads the directory entry with the user.

    Every page's menu asks whether the user has a directory entry, so fetching it with the user
    saves a query on each request.
    """

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("employee").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
