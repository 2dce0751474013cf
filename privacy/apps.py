from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """What a person may ask of their own data (UU PDP 27/2022): for now, a copy of all of it."""

    name = "privacy"
    verbose_name = _("Personal data")
