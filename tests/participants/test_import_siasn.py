"""A staff list exported from BKN's SIASN imports as it comes, as CSV (;) or XLSX."""

import gc
import types

import pytest

from core.batch import collector_paused
from core.spreadsheets import SpreadsheetError, csv_grid, xlsx_grid
from participants.importing import import_staff
from participants.models import Employee
from tests.factories import EmployeeFactory, UnitFactory, nip_for
from tests.participants.siasn import (
    IGNORED,
    siasn_csv,
    siasn_row,
    siasn_xlsx,
    siasn_xlsx_as_excel_saves_it,
)
from tests.participants.test_staff_files import read

pytestmark = pytest.mark.django_db

PPPK_NIP = "199004122022212007"  # born 1990-04-12, PPPK 2022, first contract, female


@pytest.fixture
def units():
    return {
        "dukcapil": UnitFactory(name="Dinas Kependudukan dan Pencatatan Sipil"),
        "cacaban": UnitFactory(name="Kelurahan Cacaban"),
    }


def _budi() -> dict:
    return dict(
        nip=nip_for(1), name="BUDI SANTOSO", gelar_depan="DR.", gelar_belakang="S.SOS., M.SI.",
        nik="3371012609860001", email="BUDI@MAGELANGKOTA.GO.ID", golongan="III/B",
        jabatan="ANALIS PELAYANAN", unit="DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
    )  # fmt: skip


def siasn_rows():
    return [
        siasn_row(**_budi()),
        siasn_row(
            nip=nip_for(2, gender="2"), name="SITI RAHAYU", gender="PEREMPUAN", stage="C",
            jenis="PNS DAERAH", golongan="II/A", unit="KELURAHAN CACABAN",
        ),
        siasn_row(
            nip=PPPK_NIP, name="DEWI LESTARI", gender="PEREMPUAN", jenis="PPPK", stage="",
            golongan="IX", jabatan="PERAWAT TERAMPIL", unit="kelurahan cacaban",
        ),
    ]  # fmt: skip


@pytest.mark.parametrize(("make", "filename"), [(siasn_csv, "siasn.csv"), (siasn_xlsx, "siasn.xlsx")])
def test_siasn_export_imports_as_it_comes(units, make, filename):
    table = read(make(siasn_rows()), filename)

    report = import_staff(table)

    assert report.summary_line == "created=3 updated=0 unchanged=0 invalid=0"
    assert report.notes == [f"Kolom berikut diabaikan: {', '.join(IGNORED)}."]
    assert list(
        Employee.objects.order_by("nip").values_list(
            "nip", "gelar_depan", "name", "gelar_belakang", "status", "golongan", "jabatan",
            "unit__name", "email", "nik",
        )
    ) == [
        (
            nip_for(1), "DR.", "BUDI SANTOSO", "S.SOS., M.SI.", "pns", "III/b",
            "ANALIS PELAYANAN", "Dinas Kependudukan dan Pencatatan Sipil",
            "budi@magelangkota.go.id", "3371012609860001",
        ),
        (
            nip_for(2, gender="2"), "", "SITI RAHAYU", "", "cpns", "II/a",
            "PENGADMINISTRASI UMUM", "Kelurahan Cacaban", "", None,
        ),
        (
            PPPK_NIP, "", "DEWI LESTARI", "", "pppk", "IX", "PERAWAT TERAMPIL",
            "Kelurahan Cacaban", "", None,
        ),
    ]  # fmt: skip


def test_the_nik_of_a_civil_servant_is_shown_masked(units):
    import_staff(read(siasn_csv(siasn_rows()[:1]), "siasn.csv"))

    assert Employee.objects.get().nik_masked == "3371**********01"


def test_a_gender_that_disagrees_with_the_nip_is_a_warning(units):
    row = siasn_row(nip=nip_for(1), name="BUDI", gender="PEREMPUAN", unit="KELURAHAN CACABAN")

    report = import_staff(read(siasn_csv([row]), "siasn.csv"))

    assert report.summary_line == "created=1 updated=0 unchanged=0 invalid=0"
    assert report.rows[0].warnings == ["Jenis Kelamin “PEREMPUAN” berbeda dengan NIP."]


def test_an_unknown_status_cpns_pns_refuses_the_row(units):
    row = siasn_row(nip=nip_for(1), name="BUDI", stage="X", unit="KELURAHAN CACABAN")

    report = import_staff(read(siasn_csv([row]), "siasn.csv"))

    assert report.rows[0].errors == ["Tulis Status CPNS/PNS sebagai P (PNS) atau C (CPNS), bukan “X”."]


def test_a_nik_held_by_another_person_refuses_the_row(units):
    EmployeeFactory(nip=nip_for(9), nik="3371012609860001", unit=units["cacaban"])
    row = siasn_row(nip=nip_for(1), name="BUDI", nik="3371012609860001", unit="KELURAHAN CACABAN")

    report = import_staff(read(siasn_csv([row]), "siasn.csv"))

    assert report.rows[0].errors == [
        "NIK 3371**********01 sudah milik orang lain di direktori atau di berkas."
    ]
    assert not Employee.objects.filter(nip=nip_for(1)).exists()


def test_a_reimport_keeps_checking_the_niks_a_person_already_holds(units):
    """The NIK a person holds is not read again, but is still theirs alone, and a new one is
    read as any other."""
    import_staff(read(siasn_csv(siasn_rows()), "siasn.csv"))
    unchanged = siasn_rows()
    again = import_staff(read(siasn_csv(unchanged), "siasn.csv"), dry_run=True)
    shared = [
        *unchanged[:2],
        siasn_row(nip=nip_for(5), name="AGUS", nik="3371012609860001", unit="KELURAHAN CACABAN"),
    ]
    twice = import_staff(read(siasn_csv(shared), "siasn.csv"), dry_run=True)
    changed = [siasn_row(**{**_budi(), "nik": "3371012699860001"})]
    wrong = import_staff(read(siasn_csv(changed), "siasn.csv"), dry_run=True)

    assert again.summary_line == "created=0 updated=0 unchanged=3 invalid=0"
    assert [row.outcome for row in twice.rows] == ["invalid", "unchanged", "invalid"]
    assert twice.rows[0].errors == twice.rows[2].errors == [
        "NIK 3371**********01 sudah milik orang lain di direktori atau di berkas."
    ]
    assert wrong.rows[0].errors == ["NIK 3371012699860001 memuat tanggal lahir yang tidak mungkin."]


def test_a_big_file_finds_the_niks_held_in_the_directory_as_a_small_one_does(units, monkeypatch):
    """A file with more NIKs than NIK_LIST_LIMIT reads the directory's NIK holders in one go."""
    monkeypatch.setattr("participants.importing.NIK_LIST_LIMIT", 1)
    EmployeeFactory(nip=nip_for(9), nik="3371012609860001", unit=units["cacaban"])
    EmployeeFactory(nip=nip_for(8), nik="3371012609860002", unit=units["cacaban"])
    rows = [
        siasn_row(nip=nip_for(1), name="BUDI", nik="3371012609860001", unit="KELURAHAN CACABAN"),
        siasn_row(nip=nip_for(8), name="SITI", nik="3371012609860002", unit="KELURAHAN CACABAN"),
        siasn_row(nip=nip_for(3), name="AGUS", nik="3371012609860003", unit="KELURAHAN CACABAN"),
    ]

    report = import_staff(read(siasn_csv(rows), "siasn.csv"), skip_invalid=True)

    assert [(row.nip, row.outcome) for row in report.rows] == [
        (nip_for(1), "invalid"),  # another person's NIK
        (nip_for(8), "updated"),  # the NIK this person already holds
        (nip_for(3), "new"),
    ]
    assert report.rows[0].errors == [
        "NIK 3371**********01 sudah milik orang lain di direktori atau di berkas."
    ]


def test_an_import_leaves_python_collecting_garbage_as_before(units):
    import_staff(read(siasn_csv(siasn_rows()), "siasn.csv"))

    assert gc.isenabled()


def test_refused_rows_leave_no_frames_for_the_collector_to_find(units):
    """The collector is paused during an import: what only it can free must stay small."""
    rows = [
        *(
            siasn_row(nip=nip_for(n), name="BUDI", golongan="III/Z", unit="KELURAHAN CACABAN")
            for n in range(1, 4)
        ),
        siasn_row(nip="19860926 2015", name="ANI", unit="KELURAHAN CACABAN"),
        siasn_row(nip=nip_for(5), nik="3371 0126", name="EKO", unit="KELURAHAN CACABAN"),
    ]
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        with collector_paused():
            report = import_staff(read(siasn_csv(rows), "siasn.csv"))
            gc.collect()
        left = [item for item in gc.garbage if isinstance(item, types.FrameType)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()

    assert report.invalid == 5
    assert left == []


@pytest.mark.parametrize(
    ("make", "filename"), [(siasn_csv, "siasn.csv"), (siasn_xlsx_as_excel_saves_it, "siasn.xlsx")]
)
def test_an_export_of_every_siasn_column_is_read_whole_beyond_a_requests_cell_limit(make, filename):
    """An export that keeps all of SIASN's 80 or so columns: 8,000 rows of it are more cells than
    a file read in a request may hold, and the staff import, a background task, reads it all."""
    more_columns = [f"KOLOM {number}" for number in range(61)]
    row = siasn_row(**_budi()) + ["-"] * len(more_columns)
    data = make([row] * 8000, more_columns=more_columns)

    table = read(data, filename)

    assert len(table.rows) == 8000 and len(table.original_headers) == 80
    assert table.rows[-1].values["nik"] == "3371012609860001"
    with pytest.raises(SpreadsheetError) as refused:
        list(xlsx_grid(data) if filename.endswith("xlsx") else csv_grid(data))
    assert refused.value.code == "too_many_cells"
