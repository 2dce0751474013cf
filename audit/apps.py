from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # Sign-ins, second factors and role changes happen in Django and allauth, not in our
        # services: their signals are where they can be recorded.
        from audit import receivers

        receivers.connect()
