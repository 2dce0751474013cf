from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_roles_after_migrate(sender, **kwargs):
    from core.roles import sync_roles

    sync_roles()


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared plumbing")

    def ready(self):
        # Groups follow the code's role table, so a new permission reaches every install.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="core.sync_roles")
