"""The three roles, as Django groups, and what each may do."""

from django.utils.translation import gettext_lazy as _


class Role:
    ADMIN = "Admin kepegawaian"
    ORGANISER = "Penyelenggara"
    PARTICIPANT = "Peserta"


ROLE_LABELS = {
    Role.ADMIN: _("Staff administrator"),
    Role.ORGANISER: _("Organiser"),
    Role.PARTICIPANT: _("Participant"),
}

# app_label.codename for each role. Later apps add their own permissions here.
ROLE_PERMISSIONS = {
    Role.ADMIN: [
        "participants.view_unit",
        "participants.add_unit",
        "participants.change_unit",
        "participants.delete_unit",
        "participants.view_unitalias",
        "participants.add_unitalias",
        "participants.change_unitalias",
        "participants.delete_unitalias",
        "participants.view_columnmapping",
        "participants.delete_columnmapping",
        "participants.view_employee",
        "participants.add_employee",
        "participants.change_employee",
        "participants.delete_employee",
        "participants.import_employees",
        "participants.export_employees",
        "participants.view_stafflistimport",
        "participants.add_stafflistimport",
        "participants.add_activationcode",
        "participants.view_activationcode",
        "participants.view_user",
        "participants.change_user",
        "audit.view_auditentry",
        "office.view_office",
        "office.change_office",
    ],
    Role.ORGANISER: [
        "trainings.view_training",
        "trainings.add_training",
        "trainings.change_training",
        "trainings.view_session",
        "trainings.add_session",
        "trainings.change_session",
        "trainings.delete_session",
        "trainings.view_speaker",
        "trainings.add_speaker",
        "trainings.change_speaker",
        "trainings.view_enrolment",
        "trainings.manage_enrolment",
        "trainings.view_attendance",
        "trainings.run_attendance",
        "participants.view_unit",
        "participants.view_employee",
        "participants.export_employees",
        "participants.add_activationcode",
        "evaluations.view_evaluationform",
        "evaluations.add_evaluationform",
        "evaluations.change_evaluationform",
        "evaluations.view_results",
        "assessments.manage_tests",
        "assessments.view_results",
        "certificates.view_certificate",
        "certificates.issue_certificate",
        "certificates.revoke_certificate",
        "certificates.view_certificatesettings",
        "certificates.change_certificatesettings",
        "certificates.add_eligibilityoverride",
        "certificates.delete_eligibilityoverride",
    ],
    Role.PARTICIPANT: [],
}


def user_roles(user) -> set[str]:
    """Return the names of the roles a user holds (a superuser holds all of them)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ROLE_PERMISSIONS)
    # Asked by the menu and by pages alike: read the groups once per user object (per request).
    if not hasattr(user, "_bimtek_roles"):
        user._bimtek_roles = {group.name for group in user.groups.all()} & set(ROLE_PERMISSIONS)
    return set(user._bimtek_roles)


def sync_roles(*, strict: bool = False) -> None:
    """Create the role groups and give each exactly its permissions.

    Runs after every migrate. With strict=False a permission whose model is not migrated yet is
    skipped (it is added on the next run); with strict=True it is an error.
    """
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                if strict:
                    raise LookupError(f"Unknown permission {name} for role {role}")
                continue
            permissions.append(permission)
        group.permissions.set(permissions)
