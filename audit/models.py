from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One sign-in, change of a second factor or sensitive action, as it happened.

    Append-only: audit.services.record writes entries; nothing edits or deletes them. Who acted
    and on what are kept as text too, so an entry still reads right after the account or the
    object is gone (and a failed sign-in names the username tried, which may be no account).
    """

    class Action(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        MFA_FAILED = "mfa_failed", _("Wrong second-factor code")
        MFA_ADDED = "mfa_added", _("Second factor added")
        MFA_REMOVED = "mfa_removed", _("Second factor removed")
        RECOVERY_CODES_GENERATED = "recovery_codes_generated", _("Recovery codes generated")
        STAFF_IMPORTED = "staff_imported", _("Staff list imported")
        ACTIVATION_CODE_ISSUED = "activation_code_issued", _("Activation code issued")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        CERTIFICATE_REISSUED = "certificate_reissued", _("Certificate re-issued")
        ROLE_GIVEN = "role_given", _("Role given")
        ROLE_REMOVED = "role_removed", _("Role removed")
        PERMISSIONS_CHANGED = "permissions_changed", _("Permissions changed")
        PANITIA_CHANGED = "panitia_changed", _("Panitia changed")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
        ACCOUNT_REACTIVATED = "account_reactivated", _("Account reactivated")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by (username)"), max_length=150, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices, db_index=True)
    target = models.CharField(_("on"), max_length=300, blank=True)
    target_ref = models.CharField(_("reference"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="auditentry_newest")]

    def details_shown(self) -> list[tuple[str, str]]:
        """Return the details a reader is shown, as (label, text) pairs."""
        labels = {
            "type_label": _("kind"),
            "roles": _("roles"),
            "added": _("added"),
            "removed": _("removed"),
            "reason": _("reason"),
            "file": _("file"),
            "created": _("new"),
            "updated": _("updated"),
            "number": _("number"),
            "new_number": _("new number"),
            "training": _("training"),
            "panitia": _("panitia"),
        }
        shown = []
        for key, label in labels.items():
            if key in self.details:
                value = self.details[key]
                text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                shown.append((str(label), text))
        return shown

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.actor_name}"
