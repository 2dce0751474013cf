"""Factories for the certificate tests: a finished training with its attendance, and settings."""

import datetime

import factory

from trainings.models import Attendance, Training
from certificates.models import CertificateSettings
from tests.factories import (
    AttendanceFactory,
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
)


class CertificateSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificateSettings

    training = None
    signer_name = "Drs. Haryo Wibowo, M.M."
    signer_position = "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"
    signer_pangkat = "Pembina Utama Muda"
    signer_nip = "196805121994031006"


def finished_training(*, participants: int = 1, sessions: int = 3, jp: int = 2, **fields):
    """Return a finished three-day training whose participants attended every session."""
    fields = {
        "title": "Bimbingan Teknis Pelayanan Prima",
        "start_date": datetime.date(2022, 10, 12),
        "end_date": datetime.date(2022, 10, 14),
        "status": Training.Status.FINISHED,
        **fields,
    }
    training = TrainingFactory(**fields)
    session_list = [
        SessionFactory(
            training=training,
            topic=f"Materi {number}",
            jp=jp,
            date=training.start_date + datetime.timedelta(days=number % 3),
        )
        for number in range(sessions)
    ]
    for _ in range(participants):
        enrolment = EnrolmentFactory(training=training)
        for session in session_list:
            AttendanceFactory(session=session, enrolment=enrolment)
    return training


def attend(enrolment, session, status=Attendance.Status.HADIR):
    return AttendanceFactory(session=session, enrolment=enrolment, status=status)


def enrol(training, **employee_fields):
    return EnrolmentFactory(training=training, employee=EmployeeFactory(**employee_fields))
