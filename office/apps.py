import threading

from django.apps import AppConfig
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_zones_before = threading.local()


def activate_office_zone(sender, **kwargs):
    """Run a background task in the office's time zone (its PDFs, emails and deadlines)."""
    from office.selectors import office_zone

    stack = getattr(_zones_before, "stack", None)
    if stack is None:
        stack = _zones_before.stack = []
    stack.append(timezone.get_current_timezone())
    timezone.activate(office_zone())


def restore_zone(sender, **kwargs):
    """Give back the zone that was current before the task (a request's, when run at once)."""
    stack = getattr(_zones_before, "stack", None)
    if stack:
        timezone.activate(stack.pop())


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = _("Office profile")

    def ready(self):
        task_started.connect(activate_office_zone, dispatch_uid="office.activate_office_zone")
        task_finished.connect(restore_zone, dispatch_uid="office.restore_zone")
