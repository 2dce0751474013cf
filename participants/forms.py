from allauth.account.forms import LoginForm
from django.utils.translation import gettext_lazy as _

from .nip import normalize_nip


class NipOrEmailLoginForm(LoginForm):
    """Allauth's login form, accepting a NIP typed with spaces, dots or a "NIP." prefix."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("NIP or email")
        self.fields["login"].widget.attrs.update(
            {"placeholder": _("NIP or email"), "autocomplete": "username"}
        )

    def clean_login(self):
        login = super().clean_login()
        if "@" not in login:
            digits = normalize_nip(login)
            if digits.isdigit():
                return digits
        return login
