"""The organiser hands certificates out through WhatsApp: per person and as a list."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from tests.factories import organiser_user, participant_user

from .factories import CertificateSettingsFactory, finished_training

pytestmark = pytest.mark.django_db


def whatsapp_links(html: str) -> list[tuple[str, str]]:
    links = []
    for href in re.findall(r'href="(https://wa\.me/[^"]*)"', html):
        parts = urlsplit(unescape(href))
        links.append((parts.path.strip("/"), parse_qs(parts.query)["text"][0]))
    return links


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


@pytest.fixture
def issued():
    CertificateSettingsFactory()
    training = finished_training(participants=2)
    services.issue_for_training(training=training)
    certificates = list(Certificate.objects.order_by("sequence"))
    first = certificates[0].enrolment.employee
    first.phone = "0812 3456 7890"
    first.save()
    return training, certificates


def test_each_holder_gets_their_own_links_by_whatsapp(client, organiser, issued):
    training, certificates = issued

    response = client.get(reverse("certificates:whatsapp_list", args=[training.pk]))

    links = whatsapp_links(response.text)
    assert [number for number, _ in links] == ["6281234567890", ""]
    first = certificates[0]
    text = links[0][1]
    assert text.startswith(f"Yth. Bapak/Ibu {first.enrolment.employee.full_name},")
    assert f"*{training.title}* Anda sudah terbit, nomor {first.number}." in text
    assert f"{settings.SITE_URL}/sertifikat/saya/{first.pk}/" in text
    assert f"{settings.SITE_URL}/verify/{first.code}/" in text
    assert "1 orang tidak punya nomor HP" in response.text


def test_the_certificate_page_has_a_whatsapp_link_per_valid_certificate(
    client, organiser, issued
):
    training, certificates = issued
    services.revoke_certificate(certificate=certificates[1], by=organiser, reason="Salah orang")

    response = client.get(reverse("certificates:training", args=[training.pk]))

    assert [number for number, _ in whatsapp_links(response.text)] == ["6281234567890"]


def test_participants_cannot_open_the_list(client, issued):
    training, _ = issued
    client.force_login(participant_user())

    assert client.get(reverse("certificates:whatsapp_list", args=[training.pk])).status_code == 403


@pytest.mark.parametrize("participants", [1, 4])
def test_the_list_runs_a_fixed_number_of_queries(
    client, organiser, participants, django_assert_max_num_queries
):
    CertificateSettingsFactory()
    training = finished_training(participants=participants)
    services.issue_for_training(training=training)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("certificates:whatsapp_list", args=[training.pk]))

    assert len(whatsapp_links(response.text)) == participants
