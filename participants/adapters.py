from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from core.mfa import SECOND_FACTORS, mfa_required


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the staff directory or an admin: nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False


class MFAAdapter(DefaultMFAAdapter):
    """Keep the last second factor of an account that must have one (core.mfa)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user = authenticator.user
        if not mfa_required(user):
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exclude(
            pk=authenticator.pk
        )
        return others.exists()
