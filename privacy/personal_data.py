"""Everything Bimtek holds about one person, as plain data for their own download.

The account, the directory entry, activation codes (dates only), and per training: the
enrolment, attendance with time and method, test attempts with every answer (the score only
once the result page shows it: assessments.selectors.score_visible), the evaluation
(its answers only when the form was named: anonymous answers are kept without any link to the
person, so nobody, the person included, can pick them out), the certificate eligibility override
and the certificates with what they print. Reads across the training apps, so it imports them
inside the function; nothing here writes.
"""

import base64
import datetime

from django.db.models import Prefetch

from core.roles import user_roles

from participants.models import ActivationCode, User
from participants.selectors import employee_for_user

FORMAT_VERSION = 1


def _when(moment: datetime.date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def personal_data(*, user: User) -> dict:
    """Return everything stored about user, as JSON-ready dicts and lists."""
    employee = employee_for_user(user=user)
    return {
        "format": FORMAT_VERSION,
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "is_active": user.is_active,
            "roles": sorted(user_roles(user)),
        },
        "activation_codes": [
            {
                "created_at": _when(code.created_at),
                "expires_at": _when(code.expires_at),
                "used_at": _when(code.used_at),
            }
            for code in ActivationCode.objects.filter(user=user).order_by("created_at")
        ],
        "employee": _employee(employee) if employee else None,
        "trainings": _trainings(employee) if employee else [],
    }


def _employee(employee) -> dict:
    return {
        "nip": employee.nip,
        "nik": employee.nik,
        "front_titles": employee.gelar_depan,
        "name": employee.name,
        "trailing_titles": employee.gelar_belakang,
        "status": employee.status,
        "golongan": employee.golongan,
        "position": employee.jabatan,
        "unit": employee.unit.name,
        "email": employee.email,
        "phone": employee.phone,
        "frontline_service": employee.is_frontline,
        "created_at": _when(employee.created_at),
        "updated_at": _when(employee.updated_at),
    }


def _trainings(employee) -> list[dict]:
    from assessments.models import Answer as TestAnswer
    from assessments.models import Attempt
    from trainings.models import Attendance, Enrolment
    from certificates.models import Certificate, EligibilityOverride
    from evaluations.models import Receipt

    enrolments = (
        Enrolment.objects.filter(employee=employee)
        .select_related("training")
        .prefetch_related(
            Prefetch(
                "attendances",
                Attendance.objects.select_related("session").order_by(
                    "session__date", "session__start_time"
                ),
            ),
            Prefetch(
                "test_attempts",
                Attempt.objects.select_related("assessment")
                .prefetch_related(
                    Prefetch(
                        "answers",
                        TestAnswer.objects.select_related("question", "chosen").order_by(
                            "position"
                        ),
                    )
                )
                .order_by("started_at"),
            ),
            Prefetch(
                "evaluation_receipts",
                Receipt.objects.select_related("form", "response").prefetch_related(
                    "response__answers__question", "response__answers__speaker"
                ),
            ),
            Prefetch("certificates", Certificate.objects.order_by("issued_at", "version")),
        )
        .order_by("training__start_date", "pk")
    )
    overrides = {
        override.enrolment_id: override
        for override in EligibilityOverride.objects.filter(enrolment__employee=employee)
    }
    return [_training(enrolment, overrides.get(enrolment.pk)) for enrolment in enrolments]


def _training(enrolment, override) -> dict:
    training = enrolment.training
    return {
        "training": {
            "code": training.code,
            "title": training.title,
            "start_date": _when(training.start_date),
            "end_date": _when(training.end_date),
        },
        "enrolment": {
            "status": enrolment.status,
            "registered_at": _when(enrolment.created_at),
            "enrolled_at": _when(enrolment.enrolled_at),
            "cancelled_at": _when(enrolment.cancelled_at),
        },
        "attendance": [_attendance(record) for record in enrolment.attendances.all()],
        "tests": [_attempt(attempt) for attempt in enrolment.test_attempts.all()],
        "evaluations": [_receipt(receipt) for receipt in enrolment.evaluation_receipts.all()],
        "certificate_override": (
            {"reason": override.reason, "decided_at": _when(override.created_at)}
            if override
            else None
        ),
        "certificates": [_certificate(certificate) for certificate in enrolment.certificates.all()],
    }


def _attendance(record) -> dict:
    return {
        "session": record.session.topic,
        "date": _when(record.session.date),
        "status": record.status,
        "method": record.method,
        "recorded_at": _when(record.recorded_at),
        "ip_address": record.ip_address,
        "note": record.note,
        "signature": _signature(record),
    }


def _signature(record) -> str | None:
    if not record.signature:
        return None
    try:
        with record.signature.open("rb") as image:
            data = image.read()
    except OSError:
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _attempt(attempt) -> dict:
    from assessments.selectors import score_visible

    released = score_visible(attempt=attempt)
    return {
        "test": attempt.assessment.kind,
        "started_at": _when(attempt.started_at),
        "deadline": _when(attempt.deadline),
        "submitted_at": _when(attempt.submitted_at),
        "submitted_how": attempt.submitted_how,
        "questions": attempt.question_count,
        "score_released": released,
        "correct_answers": attempt.correct_count if released else None,
        "score": str(attempt.score) if released and attempt.score is not None else None,
        "reset_at": _when(attempt.reset_at),
        "reset_reason": attempt.reset_reason,
        "answers": [
            {
                "number": answer.position,
                "question": answer.question.text,
                "chosen": answer.chosen.text if answer.chosen else None,
                "answered_at": _when(answer.answered_at),
            }
            for answer in attempt.answers.all()
        ],
    }


def _receipt(receipt) -> dict:
    answers = None
    if receipt.response is not None:
        answers = [
            {
                "section": answer.question.section,
                "question": answer.question.text,
                "speaker": answer.speaker.name if answer.speaker else None,
                "value": answer.value,
                "text": answer.text,
            }
            for answer in receipt.response.answers.all()
        ]
    return {
        "submitted_at": _when(receipt.submitted_at),
        "anonymous": receipt.anonymous,
        "answers": answers,
    }


def _certificate(certificate) -> dict:
    return {
        "number": certificate.number,
        "code": certificate.code,
        "status": certificate.status,
        "version": certificate.version,
        "issued_at": _when(certificate.issued_at),
        "correction_note": certificate.correction_note,
        "revoked_at": _when(certificate.revoked_at),
        "revoked_reason": certificate.revoked_reason,
        "printed": certificate.snapshot,
    }
