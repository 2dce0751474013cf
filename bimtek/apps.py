from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from .roles import sync_roles

    sync_roles()


class BimtekConfig(AppConfig):
    name = "bimtek"
    verbose_name = _("Trainings")

    def ready(self):
        # Groups follow the code's role table, so a new permission reaches every install.
        post_migrate.connect(_sync_roles, dispatch_uid="bimtek.sync_roles")
