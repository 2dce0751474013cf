"""Units are found as people write them, and an unknown unit is settled once for all its rows."""

import pytest
from django.urls import reverse

from participants.importing import import_staff
from participants.models import Employee, StaffListImport, Unit, UnitAlias
from participants.resources import UnitWidget
from participants.units import unit_key
from tests.factories import UnitFactory, UserFactory, nip_for
from tests.participants.siasn import siasn_csv, siasn_row
from tests.participants.test_views_import import (
    csv_upload,
    status_url,
    table_rows,
    text_of,
    upload,  # noqa: F401 (the fixture that posts a file to the upload page)
)
from tests.participants.test_staff_files import read

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "directory"),
    [
        ("KEL. CACABAN", "Kelurahan Cacaban"),
        ("Kel Cacaban", "Kelurahan Cacaban"),
        ("KEC. MAGELANG UTARA", "Kecamatan Magelang Utara"),
        ("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
        ("DINAS KEPENDUDUKAN & PENCATATAN SIPIL", "Dinas Kependudukan dan Pencatatan Sipil"),
        ("RSUD Tidar", "Rumah Sakit Umum Daerah Tidar"),
        ("RUMAH SAKIT UMUM DAERAH TIDAR", "RSUD Tidar"),
        ("Satpol PP", "Satuan Polisi Pamong Praja"),
        ("PKM Kerkopan", "Puskesmas Kerkopan"),
        ("  kelurahan   cacaban. ", "Kelurahan Cacaban"),
    ],
)
def test_unit_names_match_as_people_write_them(written, directory):
    assert unit_key(written) == unit_key(directory)


def test_different_units_stay_different():
    assert unit_key("Kelurahan Magelang") != unit_key("Kecamatan Magelang Utara")


def test_a_siasn_file_finds_its_units_in_capitals_and_abbreviations():
    cacaban = UnitFactory(name="Kelurahan Cacaban")
    dukcapil = UnitFactory(name="Dinas Kependudukan dan Pencatatan Sipil")
    rsud = UnitFactory(name="RSUD Tidar")
    rows = [
        siasn_row(nip=nip_for(1), name="BUDI", unit="KEL. CACABAN"),
        siasn_row(nip=nip_for(2), name="SITI", unit="DISDUKCAPIL"),
        siasn_row(nip=nip_for(3), name="AGUS", unit="RUMAH SAKIT UMUM DAERAH TIDAR"),
    ]

    report = import_staff(read(siasn_csv(rows), "siasn.csv"))

    assert report.summary_line == "created=3 updated=0 unchanged=0 invalid=0"
    assert list(Employee.objects.order_by("nip").values_list("unit", flat=True)) == [
        cacaban.pk, dukcapil.pk, rsud.pk
    ]  # fmt: skip


def test_an_alias_the_admin_taught_finds_the_unit_in_the_import_and_the_resource():
    unit = UnitFactory(name="Dinas Komunikasi, Informatika dan Statistik")
    UnitAlias.objects.create(name="Diskominfo", key=unit_key("Diskominfo"), unit=unit)

    report = import_staff(
        read(siasn_csv([siasn_row(nip=nip_for(1), name="BUDI", unit="DISKOMINFO")]), "s.csv")
    )

    assert report.summary_line == "created=1 updated=0 unchanged=0 invalid=0"
    assert UnitWidget().clean("diskominfo") == unit


def unknown_file():
    return csv_upload(
        [
            ["NIP", "Nama", "Unit Kerja"],
            [nip_for(1), "Budi", "KEL. ENTAH"],
            [nip_for(2), "Siti", "Kelurahan Entah"],
            [nip_for(3), "Agus", "DISKOMINFO"],
        ]
    )


def post_units(client, staff_import, decisions, capture):
    data = {
        "units-TOTAL_FORMS": str(len(decisions)),
        "units-INITIAL_FORMS": str(len(decisions)),
    }
    for index, decision in enumerate(decisions):
        data.update({f"units-{index}-{key}": value for key, value in decision.items()})
    url = reverse("participants:import_units", args=[staff_import.pk])
    with capture(execute=True):
        return client.post(url, data)


def test_an_unknown_unit_is_shown_once_with_its_rows_and_settled_there(
    upload, client_for, django_capture_on_commit_callbacks
):
    kecamatan = UnitFactory(name="Kecamatan Magelang Tengah")
    kominfo = UnitFactory(name="Dinas Komunikasi dan Informatika")
    upload(unknown_file())
    staff_import = StaffListImport.objects.get()

    preview = client_for.get(status_url(staff_import))

    page = text_of(preview)
    assert "Unit yang belum dikenal" in page
    assert "KEL. ENTAH 2 baris: 2, 3" in page
    assert "DISKOMINFO 1 baris: 4" in page
    assert table_rows(preview)[0][5] == (
        "Unit “KEL. ENTAH” belum dikenal (lihat Unit yang belum dikenal di atas)."
    )

    response = post_units(
        client_for,
        staff_import,
        [
            {"name": "KEL. ENTAH", "action": "create", "new_name": "Kelurahan Entah",
             "parent": str(kecamatan.pk)},
            {"name": "DISKOMINFO", "action": "same_as", "unit": str(kominfo.pk)},
        ],  # fmt: skip
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    created = Unit.objects.get(name="Kelurahan Entah")
    assert (created.parent, created.kind) == (kecamatan, Unit.Kind.KELURAHAN)
    assert list(UnitAlias.objects.values_list("name", "unit")) == [("DISKOMINFO", kominfo.pk)]
    staff_import.refresh_from_db()
    assert staff_import.status == StaffListImport.Status.VALIDATED
    assert staff_import.counts == {"new": 3, "updated": 0, "unchanged": 0, "invalid": 0}
    assert "Unit disimpan; berkas diperiksa ulang." in text_of(
        client_for.get(status_url(staff_import))
    )


def test_same_as_without_a_unit_is_refused_and_changes_nothing(
    upload, client_for, django_capture_on_commit_callbacks
):
    upload(unknown_file())
    staff_import = StaffListImport.objects.get()

    post_units(
        client_for,
        staff_import,
        [{"name": "DISKOMINFO", "action": "same_as", "unit": ""}],
        django_capture_on_commit_callbacks,
    )

    page = text_of(client_for.get(status_url(staff_import)))
    assert "DISKOMINFO: Pilih unit yang dimaksud nama ini." in page
    assert not UnitAlias.objects.exists()
    staff_import.refresh_from_db()
    assert staff_import.attempt == 1


def test_a_superuser_adds_another_name_of_a_unit_in_the_django_admin(client):
    # The staff administrator does it on the app's unit page (test_views_units), same rule.
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    unit = UnitFactory(name="Dinas Komunikasi dan Informatika")
    UnitAlias.objects.create(name="Kominfo", key=unit_key("Kominfo"), unit=UnitFactory())
    url = reverse("admin:participants_unit_change", args=[unit.pk])
    data = {
        "name": unit.name, "short_name": "", "kind": unit.kind,
        "aliases-TOTAL_FORMS": "1", "aliases-INITIAL_FORMS": "0",
        "aliases-0-name": "DISKOMINFO ",
    }  # fmt: skip

    response = client.post(url, data)

    assert response.status_code == 302
    assert list(unit.aliases.values_list("name", "key")) == [("DISKOMINFO", "diskominfo")]

    response = client.post(url, {**data, "aliases-0-name": "kominfo"})
    assert "“kominfo” sudah dipakai untuk unit kerja lain: Kelurahan Contoh" in text_of(response)
