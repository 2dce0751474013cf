"""The column-mapping step: map a column the import did not know, remember it, use presets."""

import io
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from participants.models import ColumnMapping, Employee, StaffListImport
from participants.staff_files import read_staff_file
from tests.factories import UnitFactory, nip_for
from tests.participants.siasn import siasn_csv, siasn_row
from tests.participants.test_views_import import (
    confirm,  # noqa: F401 (the fixture that confirms a preview)
    csv_upload,
    status_url,
    text_of,
    upload,  # noqa: F401 (the fixture that posts a file to the upload page)
)
from tests.participants.test_staff_files import csv_bytes, read

pytestmark = pytest.mark.django_db

HEADER = ["NIP", "Nama", "Unit Kerja", "JABATAN SEKARANG", "Keterangan"]


@pytest.fixture
def unit():
    return UnitFactory(name="Kelurahan Cacaban")


def rows(jabatan="Analis Pelayanan"):
    return [HEADER, [nip_for(1), "Budi", "Kelurahan Cacaban", jabatan, "pindahan"]]


def columns_shown(response):
    """The mapping step's rows: header, the selected field, the first row's value."""
    html = response.content.decode()
    body = re.search(r'id="file-columns".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    result = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        header = re.search(r"<label[^>]*>(.*?)</label>", row, re.S).group(1)
        selected = re.search(r"<option value=\"([^\"]*)\" selected>", row)
        sample = re.search(r'<td class="import-sample">(.*?)</td>', row, re.S).group(1)
        result.append((header, selected.group(1) if selected else "", sample))
    return result


def test_a_mapping_reads_a_column_the_import_does_not_know(unit):
    table = read(csv_bytes(rows()), "pegawai.csv")
    assert table.ignored_headers == ["JABATAN SEKARANG", "Keterangan"]

    table = read_staff_file(
        io.BytesIO(csv_bytes(rows())), filename="pegawai.csv", mapping={"jabatan sekarang": "jabatan"}
    )

    assert table.columns == ["nip", "name", "unit", "jabatan"]
    assert table.rows[0].values["jabatan"] == "Analis Pelayanan"
    assert [(c.header, c.key, c.how) for c in table.file_columns] == [
        ("NIP", "nip", "alias"), ("Nama", "name", "alias"), ("Unit Kerja", "unit", "alias"),
        ("JABATAN SEKARANG", "jabatan", "mapping"), ("Keterangan", "", "ignored"),
    ]  # fmt: skip


def test_the_command_maps_columns_and_uses_presets(unit, tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(rows()))
    output = StringIO()

    call_command("import_staff", str(path), "--map", "JABATAN SEKARANG=jabatan", stdout=output)

    assert output.getvalue().splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=0"
    assert Employee.objects.get().jabatan == "Analis Pelayanan"

    siasn = tmp_path / "siasn.csv"
    siasn.write_bytes(siasn_csv([siasn_row(nip=nip_for(2), name="SITI", unit="KEL. CACABAN")]))
    output = StringIO()
    call_command("import_staff", str(siasn), "--preset", "siasn", stdout=output)
    assert output.getvalue().splitlines()[-1] == "created=1 updated=0 unchanged=0 invalid=0"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("JABATAN SEKARANG=pangkat", "Field tidak dikenal: pangkat."),
        ("JABATAN SEKARANG", "Tulis --map sebagai HEADER=FIELD, bukan JABATAN SEKARANG."),
        ("Nama=", "Berkas tidak memiliki kolom Nama."),
        ("JABATAN SEKARANG=name", "Nama diambil dari lebih dari satu kolom: Nama, JABATAN SEKARANG."),
    ],
)
def test_the_command_refuses_a_wrong_mapping_and_writes_nothing(unit, tmp_path, option, message):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(rows()))

    with pytest.raises(CommandError) as caught:
        call_command("import_staff", str(path), "--map", option, stdout=StringIO())

    assert message in str(caught.value)
    assert caught.value.returncode == 2
    assert not Employee.objects.exists()


def post_columns(client, staff_import, data, capture):
    url = reverse("participants:import_columns", args=[staff_import.pk])
    with capture(execute=True):
        return client.post(url, data)


def test_the_admin_maps_a_column_remembers_it_and_the_next_file_uses_it(
    unit, upload, client_for, confirm, django_capture_on_commit_callbacks
):
    upload(csv_upload(rows()))
    first = StaffListImport.objects.get()
    assert columns_shown(client_for.get(status_url(first))) == [
        ("NIP", "nip", nip_for(1)), ("Nama", "name", "Budi"),
        ("Unit Kerja", "unit", "Kelurahan Cacaban"),
        ("JABATAN SEKARANG", "", "Analis Pelayanan"), ("Keterangan", "", "pindahan"),
    ]  # fmt: skip

    post_columns(
        client_for,
        first,
        {"column-0": "nip", "column-1": "name", "column-2": "unit", "column-3": "jabatan",
         "column-4": "", "remember": "1"},  # fmt: skip
        django_capture_on_commit_callbacks,
    )

    first.refresh_from_db()
    assert first.status == StaffListImport.Status.VALIDATED
    assert first.mapping["jabatan sekarang"] == "jabatan"
    assert ColumnMapping.objects.get().headers == HEADER
    page = client_for.get(status_url(first))
    assert "Kolom sudah dipetakan; berkas diperiksa ulang." in text_of(page)

    upload(csv_upload(rows(jabatan="Pengolah Data"), name="bulan-depan.csv"))
    second = StaffListImport.objects.latest("pk")
    page = client_for.get(status_url(second))
    assert "Pemetaan kolom yang diingat untuk berkas dengan kolom-kolom ini telah dipakai." in (
        text_of(page)
    )
    assert columns_shown(page)[3] == ("JABATAN SEKARANG", "jabatan", "Pengolah Data")
    confirm(second)
    assert Employee.objects.get().jabatan == "Pengolah Data"


def test_a_mapping_that_leaves_out_the_name_is_refused(
    unit, upload, client_for, django_capture_on_commit_callbacks
):
    upload(csv_upload(rows()))
    staff_import = StaffListImport.objects.get()

    post_columns(
        client_for,
        staff_import,
        {"column-0": "nip", "column-1": "", "column-2": "unit", "remember": "1"},
        django_capture_on_commit_callbacks,
    )

    assert "Belum ada kolom yang dipetakan ke Nama." in text_of(
        client_for.get(status_url(staff_import))
    )
    assert not ColumnMapping.objects.exists()
    staff_import.refresh_from_db()
    assert staff_import.attempt == 1


def test_a_preset_maps_the_columns_a_known_source_writes(
    unit, upload, client_for, django_capture_on_commit_callbacks
):
    upload(csv_upload([["NIP BARU", "NAMA", "UNOR NAMA", "GELAR BLKG"],
                       [nip_for(1), "BUDI", "KEL. CACABAN", "S.KOM."]]))  # fmt: skip
    staff_import = StaffListImport.objects.get()

    post_columns(
        client_for,
        staff_import,
        {"preset": "siasn", "apply_preset": "1", "remember": "1"},
        django_capture_on_commit_callbacks,
    )

    staff_import.refresh_from_db()
    assert staff_import.mapping == {
        "nip baru": "nip", "nama": "name", "unor nama": "unit", "gelar blkg": "gelar_belakang"
    }  # fmt: skip
    assert staff_import.counts["new"] == 1
