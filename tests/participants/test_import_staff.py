import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from participants.importing import import_staff, rejected_rows_workbook
from participants.models import Employee, Unit
from participants.nip import parse_nip
from tests.factories import EmployeeFactory, UnitFactory, nip_for
from tests.participants.test_staff_files import csv_bytes, read, xlsx_bytes

pytestmark = pytest.mark.django_db

PPPK_NIP = "199004122022212007"  # born 1990-04-12, PPPK 2022, first contract, female
HEADER = ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja"]


@pytest.fixture
def unit():
    return UnitFactory(name="Kelurahan Cacaban", short_name="Kel. Cacaban")


def table_of(rows, header=HEADER, **csv_options):
    return read(csv_bytes([header, *rows], **csv_options), "pegawai.csv")


def nip_message(raw) -> str:
    """Return the reason parse_nip gives for raw, as the importer reports it."""
    with pytest.raises(ValidationError) as caught:
        parse_nip(raw)
    return caught.value.messages[0]


def employees():
    return list(
        Employee.objects.order_by("nip").values_list(
            "nip", "name", "golongan", "unit__name", "status"
        )
    )


def test_semicolon_csv_with_bom_creates_every_field(unit):
    header = [
        "NIP", "Gelar Depan", "Nama Lengkap", "Gelar Belakang", "Pangkat/Gol", "Jabatan", "OPD",
        "Email", "No HP", "Status Kepegawaian", "Pelayanan Langsung",
    ]  # fmt: skip
    row = [
        "19860926 201505 1 001", "Dr.", "  Budi   Santoso ", "S.Sos., M.Si.", "Penata Muda Tk. I",
        "Analis Pelayanan", "kelurahan  CACABAN", "Budi@Example.ORG", "+62 812-3456-789", "PNS", "Ya",
    ]  # fmt: skip

    report = import_staff(table_of([row], header=header))

    assert (report.summary_line, report.applied) == (
        "created=1 updated=0 unchanged=0 invalid=0",
        True,
    )
    employee = Employee.objects.get()
    assert (
        employee.nip, employee.gelar_depan, employee.name, employee.gelar_belakang,
        employee.golongan, employee.jabatan, employee.unit, employee.email, employee.phone,
        employee.status, employee.is_frontline,
    ) == (
        "198609262015051001", "Dr.", "Budi Santoso", "S.Sos., M.Si.", "III/b", "Analis Pelayanan",
        unit, "budi@example.org", "+628123456789", "pns", True,
    )  # fmt: skip


def test_windows_1252_csv_keeps_accented_names_and_apostrophes(unit):
    rows = [
        [nip_for(1), "Sjafe’i Hardjosoemarto", "III/a", unit.name],
        [nip_for(2), "Ma'ruf Réné", "II/c", unit.name],
    ]

    import_staff(table_of(rows, encoding="cp1252", newline="\r\n"))

    assert sorted(Employee.objects.values_list("name", flat=True)) == [
        "Ma'ruf Réné",
        "Sjafe’i Hardjosoemarto",
    ]


@pytest.mark.parametrize("cell", [198609262015051001, 1.98609262015051e17, 19860926])
def test_a_nip_from_a_number_cell_is_rejected_even_if_it_looks_valid(unit, cell):
    data = xlsx_bytes([HEADER, [cell, "Budi", "III/a", unit.name]])

    report = import_staff(read(data, "pegawai.xlsx"))

    shown = read(data, "pegawai.xlsx").rows[0].original["NIP"]
    assert report.rows[0].errors == [
        f"Sel NIP ({shown}) berformat angka, sehingga Excel mungkin telah mengubah digit "
        "terakhirnya. Format kolom NIP sebagai Teks lalu ketik ulang NIP-nya."
    ]
    assert Employee.objects.count() == 0


def test_xlsx_with_text_nip_cells_imports(unit):
    data = xlsx_bytes(
        [HEADER, [nip_for(1), "Budi", "III/a", unit.name], [PPPK_NIP, "Ani", "IX", unit.name]]
    )

    report = import_staff(read(data, "pegawai.xlsx"))

    assert report.summary_line == "created=2 updated=0 unchanged=0 invalid=0"
    assert employees() == [
        (nip_for(1), "Budi", "III/a", unit.name, "pns"),
        (PPPK_NIP, "Ani", "IX", unit.name, "pppk"),
    ]


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19860926201505100", "nip_length"),
        ("19860926201505100A", "nip_not_digits"),
        ("19860231 201505 1 001", "nip_birth_date"),
        ("19860926 201513 1 001", "nip_appointment"),
        ("19860926 201505 3 001", "nip_gender"),
        ("198609262015051000", "nip_sequence"),  # Excel rounded the last digits
        ("1,98609E+17", "nip_excel_number"),
    ],
)
def test_bad_nips_are_reported_with_parse_nip_reason(unit, nip, code):
    report = import_staff(table_of([[nip, "Budi", "III/a", unit.name]]))

    assert report.rows[0].errors == [nip_message(nip)]
    assert (report.rows[0].outcome, report.rows[0].number) == ("invalid", 2)


def test_an_excel_rounded_nip_hints_at_excel(unit):
    report = import_staff(table_of([["198609262015051000", "Budi", "III/a", unit.name]]))

    assert "Excel" in report.rows[0].errors[0]


@pytest.mark.parametrize(
    ("header", "row", "error"),
    [
        (HEADER, [nip_for(1), "  ", "III/a", "Kelurahan Cacaban"], "Nama kosong."),
        (HEADER, [nip_for(1), "Budi", "III/f", "Kelurahan Cacaban"],
         "Pangkat/golongan “III/f” tidak dikenal; tulis seperti III/a (PNS) atau IX (PPPK)."),
        ([*HEADER, "Email"], [nip_for(1), "Budi", "III/a", "Kelurahan Cacaban", "budi@@example"],
         "Alamat email budi@@example tidak valid."),
        (HEADER, [nip_for(1), "Budi", "III/a", "Kelurahan Entah"],
         "Unit kerja “Kelurahan Entah” tidak ada di direktori. Periksa penulisannya atau "
         "tambahkan unit tersebut terlebih dahulu."),
        (HEADER, [nip_for(1), "Budi", "III/a", ""], "Unit Kerja kosong."),
        ([*HEADER, "Status"], [nip_for(1), "Budi", "III/a", "Kelurahan Cacaban", "Tetap"],
         "Status kepegawaian “Tetap” tidak dikenal; gunakan PNS, CPNS, PPPK, atau non-ASN."),
        ([*HEADER, "Status"], [nip_for(1), "Budi", "IX", "Kelurahan Cacaban", "PPPK"],
         "Status PPPK tidak sesuai dengan NIP, yang merupakan nomor PNS."),
        ([*HEADER, "Status"], [PPPK_NIP, "Ani", "III/a", "Kelurahan Cacaban", "PNS"],
         "Status PNS tidak sesuai dengan NIP, yang merupakan nomor PPPK."),
        (HEADER, [nip_for(1), "Budi", "IX", "Kelurahan Cacaban"],
         "Golongan ruang PNS atau CPNS adalah I/a sampai IV/e, bukan IX."),
        (HEADER, [PPPK_NIP, "Ani", "III/a", "Kelurahan Cacaban"],
         "Golongan PPPK adalah I sampai XVII, bukan III/a."),
        ([*HEADER, "Frontline"], [nip_for(1), "Budi", "III/a", "Kelurahan Cacaban", "kadang"],
         "Isi kolom Pelayanan Langsung dengan Ya atau Tidak, bukan “kadang”."),
        ([*HEADER, "Jabatan"], [nip_for(1), "Budi", "III/a", "Kelurahan Cacaban", "J" * 201],
         "Jabatan lebih dari 200 karakter."),
    ],
)  # fmt: skip
def test_each_invalid_row_gets_its_reason_in_indonesian(unit, header, row, error):
    report = import_staff(table_of([row], header=header))

    assert [(r.number, r.outcome, r.all_errors) for r in report.rows] == [
        (2, "invalid", [error])
    ]


@pytest.mark.parametrize("status", ["Non ASN", "non-asn", "Honorer", "THL"])
def test_a_non_asn_row_is_pointed_to_the_form(unit, status):
    report = import_staff(
        table_of([["", "Siti", "", unit.name, status]], header=[*HEADER, "Status Kepegawaian"])
    )

    assert report.rows[0].errors == [
        "Pegawai non-ASN dikenali dengan NIK, bukan NIP, sehingga tidak dapat diimpor dari "
        "berkas. Tambahkan melalui formulir di halaman direktori pegawai."
    ]


@pytest.mark.parametrize(
    ("nip", "status", "golongan", "stored"),
    [
        (nip_for(1), "", "III/a", "pns"),
        (PPPK_NIP, "", "IX", "pppk"),
        (nip_for(1), "CPNS", "II/a", "cpns"),
        (PPPK_NIP, "P3K", "Golongan IX", "pppk"),
        (PPPK_NIP, "pppk", "", "pppk"),
    ],
)
def test_status_is_read_or_inferred_from_the_nip(unit, nip, status, golongan, stored):
    import_staff(table_of([[nip, "Budi", golongan, unit.name, status]], header=[*HEADER, "Status"]))

    assert Employee.objects.get().status == stored


def test_a_nip_repeated_in_the_file_rejects_every_copy(unit):
    rows = [
        [nip_for(1), "Budi", "III/a", unit.name],
        [nip_for(2), "Ani", "III/a", unit.name],
        ["NIP. " + nip_for(1), "Budi S", "III/a", unit.name],
    ]

    report = import_staff(table_of(rows), skip_invalid=True)

    message = f"NIP {nip_for(1)} muncul lebih dari sekali dalam berkas (baris 2, 4)."
    assert [(r.number, r.outcome, r.errors) for r in report.rows] == [
        (2, "invalid", [message]),
        (3, "new", []),
        (4, "invalid", [message]),
    ]
    assert Employee.objects.get().nip == nip_for(2)


def test_units_match_by_short_name_ignoring_case_and_spacing(unit):
    report = import_staff(table_of([[nip_for(1), "Budi", "III/a", "  KEL.   cacaban "]]))

    assert report.created == 1
    assert Employee.objects.get().unit == unit


def test_unknown_units_are_created_once_when_asked(unit):
    rows = [
        [nip_for(1), "Budi", "III/a", "Puskesmas Kerkopan"],
        [nip_for(2), "Ani", "III/a", "puskesmas  kerkopan"],
    ]

    report = import_staff(table_of(rows), create_units=True)

    created = Unit.objects.get(name="Puskesmas Kerkopan")
    assert created.kind == Unit.Kind.LAINNYA
    assert list(Employee.objects.values_list("unit", flat=True)) == [created.pk, created.pk]
    assert report.notes == ["Unit kerja baru: Puskesmas Kerkopan."]


def test_one_invalid_row_rejects_the_whole_file(unit):
    rows = [
        [nip_for(1), "Budi", "III/a", unit.name],
        [nip_for(2), "", "III/a", unit.name],
        [nip_for(3), "Ani", "III/a", "Entah"],
    ]

    report = import_staff(table_of(rows), create_units=False)

    assert (report.summary_line, report.applied) == (
        "created=1 updated=0 unchanged=0 invalid=2",
        False,
    )
    assert report.notes == [
        "Tidak ada yang disimpan karena berkas memuat baris yang tidak valid (2). Perbaiki baris "
        "tersebut, atau impor hanya baris yang valid."
    ]
    assert Employee.objects.count() == 0


def test_atomic_rejection_also_leaves_existing_rows_and_units_alone(unit):
    EmployeeFactory(nip=nip_for(1), name="Budi", unit=unit)
    rows = [[nip_for(1), "Budi Baru", "III/a", "Unit Baru"], [nip_for(2), "", "III/a", unit.name]]

    report = import_staff(table_of(rows), create_units=True)

    assert (report.updated, report.invalid, report.applied) == (1, 1, False)
    assert Employee.objects.get().name == "Budi"
    assert list(Unit.objects.values_list("name", flat=True)) == [unit.name]


def test_skip_invalid_imports_the_valid_rows(unit):
    rows = [[nip_for(1), "Budi", "III/a", unit.name], [nip_for(2), "", "III/a", unit.name]]

    report = import_staff(table_of(rows), skip_invalid=True)

    assert (report.summary_line, report.applied) == (
        "created=1 updated=0 unchanged=0 invalid=1",
        True,
    )
    assert employees() == [(nip_for(1), "Budi", "III/a", unit.name, "pns")]


def test_dry_run_counts_but_writes_nothing(unit):
    rows = [[nip_for(1), "Budi", "III/a", "Unit Baru"]]

    report = import_staff(table_of(rows), dry_run=True, create_units=True)

    assert (report.summary_line, report.applied) == (
        "created=1 updated=0 unchanged=0 invalid=0",
        False,
    )
    assert report.notes == ["Unit kerja baru: Unit Baru.", "Uji coba: tidak ada yang disimpan."]
    assert (Employee.objects.count(), Unit.objects.count()) == (0, 1)


def test_importing_the_same_file_twice_changes_nothing(unit):
    table = table_of([[nip_for(n), f"Pegawai {n}", "III/a", unit.name] for n in range(5)])
    import_staff(table)
    before = list(Employee.objects.values_list("pk", "updated_at"))

    report = import_staff(table)

    assert report.summary_line == "created=0 updated=0 unchanged=5 invalid=0"
    assert [r.outcome for r in report.rows] == ["unchanged"] * 5
    assert list(Employee.objects.values_list("pk", "updated_at")) == before


def test_a_changed_row_updates_only_that_person(unit):
    other_unit = UnitFactory(name="RSUD Tidar")
    import_staff(table_of([[nip_for(n), f"Pegawai {n}", "III/a", unit.name] for n in range(3)]))
    untouched = Employee.objects.get(nip=nip_for(0)).updated_at

    report = import_staff(
        table_of(
            [
                [nip_for(0), "Pegawai 0", "III/a", unit.name],
                [nip_for(1), "Pegawai Satu", "III/b", "RSUD Tidar"],
                [nip_for(2), "Pegawai 2", "III/a", unit.name],
            ]
        )
    )

    assert report.summary_line == "created=0 updated=1 unchanged=2 invalid=0"
    assert [r.outcome for r in report.rows] == ["unchanged", "updated", "unchanged"]
    assert employees()[1] == (nip_for(1), "Pegawai Satu", "III/b", other_unit.name, "pns")
    assert Employee.objects.get(nip=nip_for(0)).updated_at == untouched
    assert Employee.objects.get(nip=nip_for(1)).updated_at > untouched


def test_columns_absent_from_the_file_keep_their_values(unit):
    EmployeeFactory(
        nip=nip_for(1), name="Budi", unit=unit, email="budi@example.org", phone="0812", jabatan="Lurah",
        status=Employee.Status.CPNS, golongan="III/a", is_frontline=True,
    )  # fmt: skip

    report = import_staff(table_of([[nip_for(1), "Budi Santoso"]], header=["NIP", "Nama"]))

    employee = Employee.objects.get()
    assert report.updated == 1
    assert (employee.name, employee.email, employee.phone, employee.jabatan, employee.status, employee.golongan, employee.unit, employee.is_frontline) == (
        "Budi Santoso", "budi@example.org", "0812", "Lurah", "cpns", "III/a", unit, True,
    )  # fmt: skip


def test_a_new_row_without_unit_column_is_invalid():
    report = import_staff(table_of([[nip_for(1), "Budi"]], header=["NIP", "Nama"]))

    assert report.rows[0].errors == ["Unit Kerja kosong."]


@pytest.mark.parametrize(
    ("clear_empty", "email", "golongan"), [(False, "budi@example.org", "III/a"), (True, "", "")]
)
def test_empty_cells_clear_optional_values_only_when_asked_and_never_status_or_unit(
    unit, clear_empty, email, golongan
):
    EmployeeFactory(
        nip=nip_for(1),
        name="Budi",
        unit=unit,
        email="budi@example.org",
        golongan="III/a",
        status=Employee.Status.CPNS,
    )

    import_staff(
        table_of([[nip_for(1), "Budi", "", "", "", ""]], header=[*HEADER, "Email", "Status"]),
        clear_empty=clear_empty,
    )

    employee = Employee.objects.get()
    assert (employee.email, employee.golongan, employee.status, employee.unit) == (
        email,
        golongan,
        "cpns",
        unit,
    )


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        (81234567890, "081234567890"),
        ("0812-3456-7890", "081234567890"),
        ("+62 812 3456", "+628123456"),
        ("", ""),
    ],
)
def test_phone_numbers_keep_digits_and_a_leading_plus(unit, cell, stored):
    data = xlsx_bytes([[*HEADER, "No HP"], [nip_for(1), "Budi", "III/a", unit.name, cell]])

    import_staff(read(data, "pegawai.xlsx"))

    assert Employee.objects.get().phone == stored


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("Ya", True),
        ("tidak", False),
        ("1", True),
        ("0", False),
        ("yes", True),
        ("", False),
        (True, True),
    ],
)
def test_frontline_column_reads_yes_and_no(unit, cell, stored):
    data = xlsx_bytes(
        [[*HEADER, "Pelayanan Langsung"], [nip_for(1), "Budi", "III/a", unit.name, cell]]
    )

    import_staff(read(data, "pegawai.xlsx"))

    assert Employee.objects.get().is_frontline is stored


def test_nip_warnings_are_reported_without_invalidating(unit):
    late = "19700101 201501 1 001"  # appointed at 45

    report = import_staff(table_of([[late, "Budi", "III/a", unit.name]]))

    assert (report.rows[0].outcome, report.rows[0].warnings) == (
        "new",
        [str(w) for w in parse_nip(late).warnings],
    )
    assert report.rows[0].warnings


def test_ignored_columns_are_noted_once(unit):
    report = import_staff(
        table_of(
            [["1", nip_for(1), "Budi", "III/a", unit.name, "x"]],
            header=["No", *HEADER, "Keterangan"],
        )
    )

    assert report.notes == ["Kolom berikut diabaikan: No, Keterangan."]
    assert report.created == 1


def test_progress_is_reported_until_done(unit):
    calls = []

    import_staff(
        table_of([[nip_for(n), "Budi", "III/a", unit.name] for n in range(3)]),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert calls[-1] == (3, 3)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    ("kind", "queries"),
    [
        ("new", 6),  # unit aliases, units, employees, savepoint, insert, release
        # unit aliases, units, employees, savepoint, update, update updated_at, release
        ("changed", 7),
        ("unchanged", 3),  # unit aliases, units, employees
    ],
)
def test_queries_do_not_grow_with_the_rows(unit, django_assert_num_queries, count, kind, queries):
    rows = [[nip_for(n), f"Pegawai {n}", "III/a", unit.name] for n in range(count)]
    if kind != "new":
        import_staff(table_of(rows))
    if kind == "changed":
        rows = [
            [nip, name + " Baru", golongan, unit_name] for nip, name, golongan, unit_name in rows
        ]
    table = table_of(rows)

    with django_assert_num_queries(queries):
        report = import_staff(table)

    assert report.invalid == 0


def test_rejected_rows_come_back_as_a_workbook_with_reasons(unit):
    data = xlsx_bytes([
        ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja", "Catatan"],
        [nip_for(1), "Budi", "III/a", unit.name, "ok"],
        [1.98609262015051e17, "Ani", "III/a", unit.name, "perlu cek"],
        [nip_for(3), "", "III/z", unit.name, ""],
    ])  # fmt: skip
    table = read(data, "pegawai.xlsx")
    report = import_staff(table, skip_invalid=True)

    workbook = openpyxl.load_workbook(io.BytesIO(rejected_rows_workbook(report, table)))

    sheet = workbook.active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja", "Catatan", "Alasan"],
        ["1.98609262015051e+17", "Ani", "III/a", unit.name, "perlu cek", report.rows[1].errors[0]],
        [
            nip_for(3),
            None,
            "III/z",
            unit.name,
            None,
            "Nama kosong. Pangkat/golongan “III/z” tidak dikenal; tulis seperti III/a (PNS) atau IX (PPPK).",
        ],
    ]
    assert (sheet["A2"].data_type, sheet["A3"].data_type, sheet["A3"].number_format) == (
        "s",
        "s",
        "@",
    )


def test_rejected_rows_never_carry_live_formulas(unit):
    table = table_of([["=cmd|' /C calc'!A0", "=1+1", "III/a", unit.name]])
    report = import_staff(table)

    sheet = openpyxl.load_workbook(io.BytesIO(rejected_rows_workbook(report, table))).active

    assert [(cell.value, cell.data_type) for cell in sheet[2][:2]] == [
        ("=cmd|' /C calc'!A0", "s"),
        ("=1+1", "s"),
    ]
