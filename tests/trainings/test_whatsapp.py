"""The organiser reaches participants through WhatsApp: invitations and session reminders."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import (
    EmployeeFactory,
    EnrolmentFactory,
    SessionFactory,
    TrainingFactory,
    UnitFactory,
    UserFactory,
    organiser_user,
)
from trainings.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def whatsapp_links(html: str) -> list[tuple[str, str]]:
    """Return (number, message) of every WhatsApp link on a page, in order."""
    links = []
    for href in re.findall(r'href="(https://wa\.me/[^"]*)"', html):
        parts = urlsplit(unescape(href))
        links.append((parts.path.strip("/"), parse_qs(parts.query)["text"][0]))
    return links


@pytest.fixture
def training():
    training = TrainingFactory(
        title="Bimtek Pelayanan Prima",
        start_date=datetime.date(2026, 12, 14),
        end_date=datetime.date(2026, 12, 15),
        venue="Aula BKPSDM",
    )
    SessionFactory(
        training=training, topic="Budaya melayani", date=datetime.date(2026, 12, 14),
        start_time=datetime.time(7, 30), end_time=datetime.time(9, 0), room="Ruang Rapat 2",
    )
    SessionFactory(
        training=training, topic="Komunikasi", date=datetime.date(2026, 12, 15),
        start_time=datetime.time(8, 0), end_time=datetime.time(9, 30),
    )
    return training


def test_each_enrolled_person_has_a_whatsapp_invitation_to_their_own_number(
    client, organiser, training
):
    EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Budi Santoso", phone="0812-3456-7890", user=UserFactory()),
    )
    EnrolmentFactory(training=training, employee=EmployeeFactory(name="Citra", phone=""))

    response = client.get(reverse("trainings:enrolment_list", args=[training.pk]))

    links = whatsapp_links(response.content.decode())
    assert [number for number, _ in links] == ["6281234567890", ""]
    budi = links[0][1]
    assert budi.startswith("Yth. Bapak/Ibu Budi Santoso,")
    assert "*Bimtek Pelayanan Prima*" in budi
    assert "14 s.d. 15 Desember 2026" in budi
    assert "Sesi pertama: Senin, 14 Desember 2026, 07.30 WIB" in budi
    assert "Aula BKPSDM" in budi
    assert f"{settings.SITE_URL}/pelatihan/saya/" in budi
    assert "\n\n\n" not in budi


def test_someone_without_a_password_is_told_to_ask_for_an_activation_slip(
    client, organiser, training
):
    EnrolmentFactory(training=training, employee=EmployeeFactory(name="Dewi", phone="081111111111"))

    response = client.get(reverse("trainings:whatsapp_list", args=[training.pk]))

    [(number, text)] = whatsapp_links(response.content.decode())
    assert number == "6281111111111"
    assert "belum memiliki kata sandi" in text
    assert "kata sandi Anda:" not in text


def test_the_list_page_prepares_a_session_reminder_with_the_check_in_page(
    client, organiser, training
):
    EnrolmentFactory(training=training, employee=EmployeeFactory(name="Eko", phone="+62 811 2222 3333"))
    first = training.sessions.get(topic="Budaya melayani")

    response = client.get(
        reverse("trainings:whatsapp_list", args=[training.pk]),
        {"pesan": "presensi", "sesi": first.pk},
    )

    html = response.content.decode()
    [(number, text)] = whatsapp_links(html)
    assert number == "6281122223333"
    assert "*Budaya melayani*" in text
    assert "Senin, 14 Desember 2026, pukul 07.30 WIB, Ruang Rapat 2" in text
    assert "Presensi dibuka pukul 07.00 WIB" in text
    assert text.rstrip().splitlines()[-3].endswith("/pelatihan/presensi/")
    assert "+6281122223333" in html


def test_people_without_a_mobile_number_are_counted_for_the_organiser(client, organiser, training):
    EnrolmentFactory(training=training, employee=EmployeeFactory(phone="(0293) 362111"))
    EnrolmentFactory(training=training, employee=EmployeeFactory(phone=""))

    response = client.get(reverse("trainings:whatsapp_list", args=[training.pk]))

    assert "2 orang tidak punya nomor HP" in response.content.decode()


def test_only_enrolled_people_get_a_message(client, organiser, training):
    EnrolmentFactory(training=training, employee=EmployeeFactory(name="Fajar", phone="0813"))
    EnrolmentFactory(
        training=training, employee=EmployeeFactory(name="Gita"),
        status=Enrolment.Status.CANCELLED,
    )

    response = client.get(reverse("trainings:whatsapp_list", args=[training.pk]))

    html = response.content.decode()
    assert "Fajar" in html
    assert "Gita" not in html


@pytest.mark.parametrize("rows", [1, 25])
def test_the_list_page_runs_a_fixed_number_of_queries(
    client, organiser, training, django_assert_max_num_queries, rows
):
    unit = UnitFactory()
    for n in range(rows):
        EnrolmentFactory(
            training=training, employee=EmployeeFactory(unit=unit, user=UserFactory(), phone="0812")
        )

    with django_assert_max_num_queries(9):
        response = client.get(reverse("trainings:whatsapp_list", args=[training.pk]))

    assert len(whatsapp_links(response.content.decode())) == rows
