"""allauth's two-factor forms with the labels it leaves to Django (and so untranslated)."""

from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.utils.translation import gettext_lazy as _


class AddSecurityKeyForm(AddWebAuthnForm):
    """Add a security key or passkey; its optional name is labelled in the user's language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the key")
        self.fields["name"].help_text = _("For example: Laptop kantor, YubiKey hitam.")
