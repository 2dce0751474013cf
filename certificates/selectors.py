"""Reads for certificates, with their joins done; visibility starts from the acting user."""

import re
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import ngettext

from core.todo import Todo

from participants.selectors import employee_search
from trainings.models import Session, Training
from trainings.selectors.trainings import trainings_visible_to

from certificates.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Certificate,
    CertificateExport,
    CertificateSettings,
    IssueRun,
    certificate_set_key,
)

_CODE_CHARS = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def certificate_settings_for(*, training: Training) -> CertificateSettings:
    """Return a training's own certificate settings, else the shared default (made if missing)."""
    own = CertificateSettings.objects.filter(training=training).first()
    if own is not None:
        return own
    default = CertificateSettings.objects.filter(training__isnull=True).first()
    if default is None:
        default, _created = CertificateSettings.objects.get_or_create(training=None)
    return default


def sessions_for_certificate(*, training: Training) -> list[Session]:
    """Return a training's sessions in schedule order (their topics and JP are printed)."""
    return list(Session.objects.filter(training=training).order_by("date", "start_time", "pk"))


def trainings_for_certificates(user) -> QuerySet[Training]:
    """Return the trainings whose certificates a user may manage."""
    return trainings_visible_to(user, permissions=("certificates.view_certificate",))


def trainings_with_certificate_counts(user) -> QuerySet[Training]:
    """Return the trainings a user manages, newest first, with valid_count and enrolled_count."""
    return (
        trainings_for_certificates(user)
        .exclude(status=Training.Status.DRAFT)
        .annotate(
            valid_count=Count(
                "enrolments__certificates",
                filter=Q(enrolments__certificates__status=Certificate.Status.VALID),
                distinct=True,
            ),
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__status="enrolled"), distinct=True
            ),
        )
        .order_by("-start_date", "code")
    )


def training_for_certificates(*, user, pk: int) -> Training:
    """Return one training whose certificates the user may manage, or raise Http404."""
    return get_object_or_404(trainings_for_certificates(user), pk=pk)


def _certificates():
    return Certificate.objects.select_related(
        "enrolment__employee__unit", "enrolment__training", "replaced_by", "issued_by"
    )


def certificates_of_training(*, training: Training) -> QuerySet[Certificate]:
    """Return every certificate of a training, all versions, by number."""
    return _certificates().filter(enrolment__training=training).order_by("sequence", "version")


def valid_certificates(*, training: Training) -> QuerySet[Certificate]:
    """Return a training's valid certificates, by number."""
    return certificates_of_training(training=training).filter(status=Certificate.Status.VALID)


def revoked_for_good(certificates: Iterable[Certificate]) -> dict[int, Certificate]:
    """Map each enrolment whose certificate was revoked and who holds no valid one to the latest
    revoked certificate, from a list of certificates in number order.

    Revoking sticks: these participants are left out of batch issuing (the count the page
    offers, the run, the command) until an organiser re-issues one of them with a reason.
    """
    certificates = list(certificates)
    holders = {c.enrolment_id for c in certificates if c.status == Certificate.Status.VALID}
    return {
        c.enrolment_id: c
        for c in certificates
        if c.status == Certificate.Status.REVOKED and c.enrolment_id not in holders
    }


def certificate_for_organiser(*, user, pk: int) -> Certificate:
    """Return a certificate of a training the user manages, or raise Http404."""
    return get_object_or_404(
        _certificates().filter(enrolment__training__in=trainings_for_certificates(user)), pk=pk
    )


def certificates_of_participant(*, user) -> QuerySet[Certificate]:
    """Return the signed-in person's own valid certificates: the query starts from them."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return _certificates().filter(enrolment__employee__user=user, status=Certificate.Status.VALID)


def certificate_of_participant(*, user, pk: int) -> Certificate:
    """Return one of the person's own valid certificates, or raise Http404 (never someone else's)."""
    return get_object_or_404(certificates_of_participant(user=user), pk=pk)


def normalize_code(raw: str) -> str:
    """Return a typed or scanned code without separators, in capitals; "" if it cannot be one."""
    code = re.sub(r"[\s\-.]", "", str(raw or "")).upper()
    return code if _CODE_CHARS.match(code) else ""


def certificate_by_code(code: str) -> Certificate | None:
    """Return the certificate with exactly this public code, or None; no partial matches."""
    code = normalize_code(code)
    if not code:
        return None
    return (
        Certificate.objects.select_related("enrolment__training__organiser_unit", "replaced_by")
        .filter(code=code)
        .first()
    )


def runs_of_training(*, training: Training, limit: int = 5) -> list[IssueRun]:
    """Return a training's latest certificate runs, newest first."""
    return list(IssueRun.objects.filter(training=training).select_related("created_by")[:limit])


def valid_certificate_set(*, training: Training) -> tuple[list[int], str]:
    """Return the ids of a training's valid certificates by number, and the key of that set."""
    pairs = list(
        Certificate.objects.filter(enrolment__training=training, status=Certificate.Status.VALID)
        .order_by("sequence", "version")
        .values_list("pk", "version")
    )
    return [pk for pk, _version in pairs], certificate_set_key(pairs)


def latest_exports(*, training: Training) -> dict[str, CertificateExport]:
    """Return the newest export of each kind of a training, by kind (cancelled ones left out)."""
    latest: dict[str, CertificateExport] = {}
    for export in CertificateExport.objects.filter(training=training).exclude(
        status=CertificateExport.Status.CANCELLED
    )[:20]:
        latest.setdefault(export.kind, export)
    return latest


def export_of_training(*, training: Training, pk: int) -> CertificateExport:
    """Return one export of a training, or raise Http404."""
    return get_object_or_404(
        CertificateExport.objects.select_related("training").filter(training=training), pk=pk
    )


def enrolment_ids_matching(*, training: Training, query: str | None, unit=None) -> list[int]:
    """Return the ids of a training's enrolments whose person matches the search box and unit."""
    enrolments = training.enrolments.filter(employee_search(query, prefix="employee__"))
    if unit:
        enrolments = enrolments.filter(employee__unit=unit)
    return list(enrolments.values_list("pk", flat=True))


def dashboard_todos(*, trainings: list[Training]) -> dict[int, list[Todo]]:
    """Return per training what its certificates need, in one query: participants of a finished
    training without a certificate, and certificates whose PDF is not made yet.

    Each training needs enrolled_count (trainings.selectors.dashboard.trainings_in_hand).
    """
    counts = {
        row["enrolment__training"]: row
        for row in Certificate.objects.filter(
            enrolment__training__in=[t.pk for t in trainings], status=Certificate.Status.VALID
        )
        .order_by()
        .values("enrolment__training")
        .annotate(valid=Count("pk"), pending=Count("pk", filter=Q(pdf="") | Q(sha256="")))
    }
    todos: dict[int, list[Todo]] = {}
    for training in trainings:
        row = counts.get(training.pk, {"valid": 0, "pending": 0})
        items = todos.setdefault(training.pk, [])
        url = reverse("certificates:training", args=[training.pk])
        without = training.enrolled_count - row["valid"]
        if training.status == Training.Status.FINISHED and without > 0:
            items.append(
                Todo(
                    text=ngettext(
                        "%(count)d participant has no certificate yet: see who is eligible.",
                        "%(count)d participants have no certificate yet: see who is eligible.",
                        without,
                    )
                    % {"count": without},
                    action=ngettext("Issue certificate", "Issue certificates", without),
                    url=url,
                    urgent=True,
                )
            )
        if row["pending"]:
            items.append(
                Todo(
                    text=ngettext(
                        "%(count)d certificate PDF is not made yet.",
                        "%(count)d certificate PDFs are not made yet.",
                        row["pending"],
                    )
                    % {"count": row["pending"]},
                    action=ngettext("See the certificate", "See the certificates", row["pending"]),
                    url=url,
                )
            )
    return todos
