"""The office profile page: a fresh install's first set-up, and a later change of zone."""

import pytest
from django.urls import reverse

from office.models import Office
from tests.conftest import TEST_OFFICE
from tests.factories import admin_user, organiser_user, participant_user

pytestmark = pytest.mark.django_db

PROFILE = reverse("office:profile")


def _form(**changes):
    return {**TEST_OFFICE, "certificate_number_pattern": "800/{seq:03d}/{unit}/{roman_month}/{year}",
            "letter_number_pattern": "800/{seq:03d}/{unit}/{year}", **changes}  # fmt: skip


@pytest.mark.office(None)
def test_a_fresh_install_sends_the_admin_to_the_set_up_first(client):
    client.force_login(admin_user())

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    content = response.content.decode()
    assert "Siapkan Bimtek untuk kantor Anda" in content
    assert reverse("participants:import") in content
    assert "Profil kantor belum lengkap, jadi dokumen belum dapat diterbitkan." in content
    assert "Magelang" not in content


@pytest.mark.office(None)
def test_the_set_up_saved_opens_the_home_page(client):
    client.force_login(admin_user())

    response = client.post(PROFILE, _form(place="Makassar", time_zone="Asia/Makassar"))

    assert response.status_code == 302
    office = Office.objects.get()
    assert (office.place, office.time_zone, office.is_complete) == (
        "Makassar", "Asia/Makassar", True,
    )  # fmt: skip
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.office(None)
def test_a_participant_on_a_fresh_install_is_not_sent_to_the_set_up(client):
    client.force_login(participant_user())

    assert client.get(reverse("home")).status_code == 200
    assert client.get(PROFILE).status_code == 403


def test_an_organiser_cannot_change_the_profile(client):
    client.force_login(organiser_user())

    assert client.post(PROFILE, _form(place="Elsewhere")).status_code == 403
    assert Office.objects.get().place == "Magelang"


def test_changing_the_zone_of_an_office_in_use_needs_the_tick_that_explains_it(client):
    client.force_login(admin_user())

    refused = client.post(PROFILE, _form(time_zone="Asia/Jayapura"))
    saved = client.post(PROFILE, _form(time_zone="Asia/Jayapura", confirm_zone_change="on"))

    assert refused.status_code == 200
    assert "Centang kotak ini untuk mengubah zona waktu kantor yang sudah digunakan." in (
        refused.content.decode()
    )
    assert saved.status_code == 302
    assert Office.objects.get().time_zone == "Asia/Jayapura"
