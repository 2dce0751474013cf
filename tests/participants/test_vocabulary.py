"""Each spelling of a status, gender or yes/no met in real staff files, read the same everywhere."""

import pytest

from participants.forms import EmployeeForm
from participants.golongan import parse_golongan
from participants.resources import GolonganWidget, StatusWidget, YesNoWidget
from participants.vocabulary import parse_cpns_pns, parse_gender, parse_status, parse_yes_no

STATUS_SPELLINGS = [
    ("PNS", "pns"), ("PNS DAERAH", "pns"), ("PNS Pusat", "pns"), ("PNS PUSAT DPK", "pns"),
    ("Pegawai Negeri Sipil", "pns"), ("CPNS", "cpns"), ("CALON PNS", "cpns"),
    ("CPNS DAERAH", "cpns"), ("PPPK", "pppk"), ("P3K", "pppk"), ("PPPK PARUH WAKTU", "pppk"),
    ("PEGAWAI PEMERINTAH DENGAN PERJANJIAN KERJA", "pppk"), ("Non-ASN", "non_asn"),
    ("NON ASN", "non_asn"), ("Honorer", "non_asn"), ("THL", "non_asn"),
    ("Tenaga Harian Lepas", "non_asn"), ("", ""), ("Pegawai Lepas Kontrak X", None),
]  # fmt: skip


@pytest.mark.parametrize(("spelling", "status"), STATUS_SPELLINGS)
def test_status_spellings(spelling, status):
    assert parse_status(spelling) == status


@pytest.mark.parametrize(("spelling", "status"), [(s, v) for s, v in STATUS_SPELLINGS if v])
def test_the_resource_reads_every_status_spelling_the_import_reads(spelling, status):
    assert StatusWidget().clean(spelling) == status


@pytest.mark.parametrize(
    ("spelling", "status"), [("P", "pns"), ("C", "cpns"), ("PNS", "pns"), ("cpns", "cpns"), ("", "")]
)
def test_siasn_status_cpns_pns_spellings(spelling, status):
    assert parse_cpns_pns(spelling) == status


@pytest.mark.parametrize(
    ("spelling", "gender"),
    [
        ("L", "L"), ("LAKI-LAKI", "L"), ("Laki-laki", "L"), ("Pria", "L"), ("LK", "L"),
        ("P", "P"), ("PEREMPUAN", "P"), ("Wanita", "P"), ("PR", "P"), ("", ""), ("X", None),
    ],
)  # fmt: skip
def test_gender_spellings(spelling, gender):
    assert parse_gender(spelling) == gender


@pytest.mark.parametrize(
    ("spelling", "answer"),
    [
        ("Ya", True), ("YA", True), ("y", True), ("Iya", True), ("1", True), ("TRUE", True),
        (True, True), ("v", True), ("Tidak", False), ("TIDAK", False), ("Tdk", False),
        ("t", False), ("0", False), ("", False), ("-", False), (False, False),
        ("Mungkin", None),
    ],
)  # fmt: skip
def test_yes_no_spellings(spelling, answer):
    assert parse_yes_no(spelling) == answer


@pytest.mark.parametrize(("spelling", "answer"), [("YA", True), ("Tdk", False)])
def test_the_resource_reads_yes_no_as_the_import_does(spelling, answer):
    assert YesNoWidget().clean(spelling) == answer


@pytest.mark.django_db
@pytest.mark.parametrize(("spelling", "status"), [("P3K", "pppk"), ("PNS DAERAH", "pns")])
def test_the_directory_form_takes_a_status_as_files_spell_it(spelling, status):
    form = EmployeeForm(data={"status": spelling})

    form.is_valid()

    assert "status" not in form.errors
    assert form.cleaned_data["status"] == status


@pytest.mark.parametrize(
    ("spelling", "golongan"),
    [
        ("III/B", "III/b"), ("III/b", "III/b"), ("III-b", "III/b"), ("III B", "III/b"),
        ("PENATA MUDA TINGKAT I", "III/b"), ("Penata Muda Tk. I", "III/b"),
        ("Penata Muda Tk.I, III/b", "III/b"), ("IV/A", "IV/a"), ("II/A", "II/a"),
        ("IX", "IX"), ("GOL. IX", "IX"), ("Golongan IX", "IX"), ("9", "IX"), ("", ""),
        ("-", ""), ("III/f", None),
    ],
)  # fmt: skip
def test_golongan_spellings_read_the_same_by_the_import_and_the_resource(spelling, golongan):
    assert parse_golongan(spelling) == golongan
    if golongan:
        assert GolonganWidget().clean(spelling) == golongan
