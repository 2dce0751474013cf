"""The pages people open, found in the URLconf, with the demo data (seed_demo) behind them.

Every named URL pattern is a page to sweep: those without arguments as they are, those with
arguments with the demo's training, session, enrolment or certificate in DETAILS. A pattern in
neither DETAILS nor EXCLUDED is an error (see `unlisted`), so a new page is swept, or excluded
with a reason, from the day it is added. Shared by tests/e2e/test_every_page.py (the browser
sweep) and benchmarks/page_times.py (the timings).
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# name -> why it is not a page to look at (downloads, POST-only actions, JSON, side effects).
EXCLUDED = {
    "admin": "the Django admin (superusers only), not the app's pages",
    "set_language": "POST-only (the language switch)",
    "healthz": "a probe for the load balancer, plain text",
    "home_sessions": "the home dashboard's live fragment (htmx), not a page",
    "activate_with_code": "needs an unused activation code (the activation page is swept)",
    "account_logout": "the logout confirmation; visiting it as a role is not a daily page",
    "account_confirm_email": "needs an email confirmation key",
    "account_reset_password_from_key": "needs a reset key",
    "account_reset_password_from_key_done": "reached after a reset key",
    "account_request_reauthentication_code": "a step of a login by code, not a page to open",
    "account_confirm_reauthentication_code": "a step of a login by code, not a page to open",
    "account_confirm_login_code": "a step of a login by code, not a page to open",
    "account_set_password": "for accounts without a password; the demo's all have one",
    "participants:employee_export": "download (spreadsheet)",
    "participants:activation_slips": "POST-only (prints the slips of the chosen staff)",
    "participants:activation_slip": "POST-only (makes a new code)",
    "privacy:my_data": "download (the person's data)",
    "trainings:training_status": "POST-only",
    "trainings:session_delete": "a confirmation step, not a daily page",
    "participants:account_roles": "POST-only",
    "participants:account_active": "POST-only",
    "participants:import_status": "needs a staff-list import (its pages are in the import story)",
    "participants:import_result": "needs a finished staff-list import (in the import story)",
    "participants:import_confirm": "POST-only",
    "participants:import_forget_mapping": "POST-only",
    "participants:import_restart": "POST-only",
    "participants:import_columns": "POST-only",
    "participants:import_units": "POST-only",
    "participants:import_rejected": "download (spreadsheet)",
    "participants:import_template": "download (spreadsheet)",
    "trainings:enrolment_cancel": "POST-only",
    "trainings:enrolment_resend_invitation": "POST-only",
    "trainings:enrolment_bulk_invite": "POST-only (invitations to the ticked people)",
    "trainings:enrolment_export": "download (spreadsheet)",
    "trainings:self_checkin": "records attendance on GET of a valid link (tested in its story)",
    "trainings:badge_scan": "records attendance (tested in its story)",
    "trainings:session_projector_live": "the projector's live fragment, not a page",
    "trainings:attendance_set": "POST-only",
    "trainings:my_calendar": "download (.ics calendar file)",
    "trainings:session_scanner_record": "POST-only (the scanner's record call)",
    "trainings:attendance_mark_alpa": "POST-only",
    "trainings:attendance_recap_xlsx": "download (spreadsheet)",
    "trainings:daftar_hadir_pdf": "download (PDF)",
    "assessments:test_start": "starts an attempt",
    "assessments:attempt_take": "needs an attempt in progress (tested in its story)",
    "assessments:attempt_answer": "POST-only",
    "assessments:attempt_submit": "POST-only",
    "assessments:question_export": "download (spreadsheet)",
    "assessments:question_delete": "a confirmation step, not a daily page",
    "assessments:assessment_release": "POST-only",
    "assessments:assessment_open_now": "POST-only",
    "assessments:results_xlsx": "download (spreadsheet)",
    "assessments:results_pdf": "download (PDF)",
    "assessments:attempt_reset": "POST-only",
    "evaluations:results_export": "download (spreadsheet)",
    "evaluations:form_create": "POST-only",
    "certificates:issue": "POST-only",
    "certificates:email": "POST-only",
    "certificates:email_selected": "POST-only (links to the ticked people)",
    "certificates:training_xlsx": "download (spreadsheet)",
    "certificates:run": "needs an issuing run",
    "certificates:preview": "download (PDF)",
    "certificates:override": "a form for one exception, not a daily page",
    "certificates:override_remove": "POST-only",
    "certificates:export_start": "POST-only",
    "certificates:export": "needs an export run",
    "certificates:export_download": "download",
    "certificates:export_siasn": "download (spreadsheet)",
    "certificates:download": "download (PDF)",
    "certificates:reissue": "a correction form, not a daily page",
    "certificates:revoke": "POST-only",
    "certificates:reissue_revoked": "POST-only",
    "certificates:mine_download": "download (PDF)",
    "certificates:mine_for_enrolment": "download (PDF)",
}

# Allauth's pages that are not this app's (third-party accounts, e-mail management, MFA, ...)
# are excluded by prefix when the setting turns them off; the ones people meet are swept.
EXCLUDED_PREFIXES = ("admin:", "account_email", "socialaccount_", "mfa_", "usersessions_")


@dataclass(frozen=True)
class Page:
    name: str  # the URL name, "namespace:name"
    url: str


def _named_patterns(resolver=None, namespace=""):
    """Yield (name, pattern) for every named pattern, namespaces joined with ':'."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def details() -> dict[str, dict]:
    """The arguments of the detail pages, from the demo: the 2022 training (finished, with its
    tests, evaluation and certificates) and the demo participant's enrolment and certificate."""
    from certificates.models import Certificate
    from trainings.models import Enrolment, Training

    training = Training.objects.get(code="BIMTEK-PP-2022")
    session = training.sessions.order_by("date", "start_time").first()
    enrolment = Enrolment.objects.get(training=training, employee__nip=PARTICIPANT_NIP)
    certificate = Certificate.objects.filter(enrolment=enrolment).first()
    question = training.questions.order_by("pk").first()
    speaker = session.speakers.first() if hasattr(session, "speakers") else None
    t = {"pk": training.pk}
    found = {
        "participants:employee_detail": {"pk": enrolment.employee_id},
        "participants:employee_edit": {"pk": enrolment.employee_id},
        "participants:unit_edit": {"pk": enrolment.employee.unit_id},
        "participants:unit_delete": {"pk": enrolment.employee.unit_id},
        "participants:account_detail": {"pk": enrolment.employee.user_id},
        "trainings:training_detail": t,
        "trainings:training_edit": t,
        "trainings:training_copy": t,
        "trainings:training_schedule": t,
        "trainings:session_create": t,
        "trainings:session_edit": {"pk": session.pk},
        "trainings:enrolment_list": {"training_pk": training.pk},
        "trainings:enrol_from_directory": {"training_pk": training.pk},
        "trainings:enrol_from_file": {"training_pk": training.pk},
        "trainings:invitation_sheet": {"training_pk": training.pk},
        "trainings:whatsapp_list": {"training_pk": training.pk},
        "trainings:session_scanner": {"pk": session.pk},
        "trainings:projector": t,
        "trainings:session_projector": {"pk": session.pk},
        "trainings:attendance_grid": t,
        "trainings:attendance_recap": t,
        "assessments:training_tests": t,
        "assessments:question_list": t,
        "assessments:question_create": t,
        "assessments:question_import": t,
        "assessments:bank_copy": t,
        "assessments:question_edit": {"pk": question.pk},
        "assessments:assessment_edit": {"pk": training.pk, "kind": "post"},
        "assessments:results": t,
        "assessments:item_analysis": t,
        "evaluations:form_settings": {"training_pk": training.pk},
        "evaluations:form_preview": {"training_pk": training.pk},
        "evaluations:results": {"training_pk": training.pk},
        "evaluations:respond": {"training_pk": training.pk},
        "certificates:training": t,
        "certificates:whatsapp_list": t,
        "certificates:settings": t,
        "verify:certificate": {"code": certificate.code},
    }
    attempt = enrolment.test_attempts.filter(submitted_at__isnull=False).first()
    if attempt is not None:
        found["assessments:attempt_result"] = {"pk": attempt.pk}
    if speaker is not None:
        found["trainings:speaker_edit"] = {"pk": speaker.pk}
    return found


PARTICIPANT_NIP = "198910202016062211"

# The demo logins (fixtures/demo_accounts.json) and the one visitor without a login.
ROLES = {
    "admin": ("admin", "demo-admin-2026"),
    "penyelenggara": ("penyelenggara", "demo-penyelenggara-2026"),
    "peserta": (PARTICIPANT_NIP, "demo-peserta-2026"),
    "anonim": None,
}


def unlisted() -> list[str]:
    """Patterns with arguments that are neither in DETAILS nor EXCLUDED: pages nobody sweeps."""
    known = set(details())
    return sorted(
        name
        for name, pattern in _named_patterns()
        if pattern.pattern.converters
        and name not in known
        and name not in EXCLUDED
        and not name.startswith(EXCLUDED_PREFIXES)
    )


def daily_pages() -> list[Page]:
    """Every page to sweep, in URLconf order."""
    args = details()
    pages = []
    for name, pattern in _named_patterns():
        if name in EXCLUDED or name.startswith(EXCLUDED_PREFIXES):
            continue
        if pattern.pattern.converters:
            if name not in args:
                continue
            pages.append(Page(name, reverse(name, kwargs=args[name])))
        else:
            pages.append(Page(name, reverse(name)))
    return pages
