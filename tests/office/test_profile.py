"""The office profile: kept once, read by every document, filled by the demo and by the upgrade."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from certificates.models import CertificateSettings
from office.demo import seed_office
from office.models import Office
from office.selectors import current_office, zone_label
from office.services import require_complete_office, save_office

pytestmark = pytest.mark.django_db

fill_from_the_install = importlib.import_module(
    "office.migrations.0002_office_from_the_install"
).fill_from_the_install


@pytest.mark.office(None)
def test_a_fresh_install_has_an_empty_profile_and_says_what_is_missing():
    office = current_office()

    assert office.pk == 1 and not Office.objects.exists()
    with pytest.raises(ValidationError) as refused:
        require_complete_office()
    assert refused.value.messages == [
        "Profil kantor belum lengkap, jadi dokumen belum dapat diterbitkan. Yang belum diisi: "
        "pemerintah (kop surat), instansi, tempat penandatanganan, kepala instansi (nama "
        "dan gelar), jabatan kepala, NIP kepala, zona waktu. Admin kepegawaian mengisinya di "
        "Profil kantor."
    ]


def test_a_saved_profile_is_read_again_at_once(django_assert_num_queries):
    save_office(values={"time_zone": "Asia/Makassar", "place": "Makassar"})
    current_office()

    with django_assert_num_queries(0):
        office = current_office()

    assert (office.place, office.time_zone, zone_label()) == ("Makassar", "Asia/Makassar", "WITA")
    assert require_complete_office() == office


def test_a_wrong_value_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as refused:
        save_office(values={"time_zone": "Europe/Paris", "place": "Elsewhere"})

    assert "time_zone" in refused.value.error_dict
    assert Office.objects.get().place == "Magelang"


@pytest.mark.office(None)
def test_seed_demo_fills_the_profile_with_the_demo_citys():
    office = seed_office()

    assert (office.government, office.place, office.time_zone) == (
        "PEMERINTAH KOTA MAGELANG", "Magelang", "Asia/Jakarta",
    )  # fmt: skip
    assert office.is_complete


def test_seed_demo_keeps_what_an_office_filled_in():
    save_office(values={"place": "Jayapura", "time_zone": "Asia/Jayapura"})

    office = seed_office()

    assert (office.place, office.time_zone) == ("Jayapura", "Asia/Jayapura")


@pytest.mark.office(None)
def test_an_upgraded_install_keeps_its_letterhead_place_signer_and_zone():
    CertificateSettings.objects.create(
        training=None, government="PEMERINTAH KOTA MAGELANG", place="Magelang",
        issuer="BADAN KEPEGAWAIAN DAERAH", unit_code="BKD", number_pattern="870/{seq}/BKD/{year}",
        signer_name="Drs. Bambang Setiawan, M.Si.", signer_position="Kepala BKD",
        signer_pangkat="Pembina Utama Muda", signer_nip="197003151995031002",
    )  # fmt: skip

    fill_from_the_install(apps, None)

    office = Office.objects.get()
    assert (office.government, office.agency, office.agency_code, office.place) == (
        "PEMERINTAH KOTA MAGELANG", "BADAN KEPEGAWAIAN DAERAH", "BKD", "Magelang",
    )  # fmt: skip
    assert (office.head_name, office.head_nip, office.time_zone) == (
        "Drs. Bambang Setiawan, M.Si.", "197003151995031002", "Asia/Jakarta",
    )  # fmt: skip
    assert office.certificate_number_pattern == "870/{seq}/BKD/{year}"


@pytest.mark.office(None)
def test_a_fresh_install_gets_no_profile_from_the_migration():
    fill_from_the_install(apps, None)

    assert not Office.objects.exists()
