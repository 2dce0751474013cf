from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the staff directory or an admin: nobody signs themselves up."""

    def is_open_for_signup(self, request):
        return False
