"""Enrolling from an uploaded list of NIPs: every bad row reported, and nobody or everybody."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from trainings.models import Enrolment, Training
from trainings.services.enrolment import enrol_from_nip_file, read_nip_list
from tests.factories import EmployeeFactory, TrainingFactory, nip_for, organiser_user
from tests.participants.test_staff_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def organiser():
    return organiser_user()


def upload(training, data: bytes, filename: str, by):
    return enrol_from_nip_file(
        training=training, file_obj=io.BytesIO(data), filename=filename, by=by
    )


def spaced(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


@pytest.mark.parametrize("filename", ["peserta.csv", "peserta.xlsx"])
def test_a_file_with_only_a_nip_column_enrols_everyone_in_its_order(organiser, filename):
    training = TrainingFactory(quota=2)
    people = [EmployeeFactory(nip=nip_for(n)) for n in (1, 2, 3)]
    rows = [["NIP"], [spaced(people[2].nip)], [f"NIP. {people[0].nip}"], [people[1].nip]]
    data = csv_bytes(rows) if filename.endswith(".csv") else xlsx_bytes(rows)

    result, errors = upload(training, data, filename, organiser)

    assert errors == []
    assert [e.employee for e in result.enrolled] == [people[2], people[0]]
    assert [e.employee for e in result.waitlisted] == [people[1]]


def test_other_columns_and_title_rows_are_ignored(organiser):
    training = TrainingFactory()
    budi = EmployeeFactory(nip=nip_for(7))
    rows = [["No", "Nama", "NIP Baru", "Unit Kerja"], ["1", "Budi", budi.nip, "Kelurahan Cacaban"]]
    data = xlsx_bytes(rows, title_rows=[["DAFTAR PESERTA BIMTEK"], []])

    result, errors = upload(training, data, "daftar.xlsx", organiser)

    assert errors == []
    assert [e.employee for e in result.enrolled] == [budi]


def test_a_file_of_bare_nips_without_a_header_is_read(organiser):
    training = TrainingFactory()
    people = [EmployeeFactory(nip=nip_for(n)) for n in (4, 5)]
    data = "\n".join(person.nip for person in people).encode()

    result, errors = upload(training, data, "nip.txt", organiser)

    assert errors == []
    assert [e.employee for e in result.enrolled] == people


def test_every_bad_row_is_reported_and_nobody_is_enrolled(organiser):
    training = TrainingFactory()
    known = EmployeeFactory(nip=nip_for(1))
    unknown = nip_for(2)
    rows = [
        ["NIP", "Nama"],
        [known.nip, "Budi"],  # row 2: fine
        ["1986092620150510", "Sari"],  # row 3: too short
        [unknown, "Tidak Ada"],  # row 4: not in the directory
        ["", "Tanpa NIP"],  # row 5: empty
        [spaced(known.nip), "Budi lagi"],  # row 6: repeated
        [198609262015051000, "Angka"],  # row 7: a number cell
    ]

    result, errors = upload(training, xlsx_bytes(rows), "peserta.xlsx", organiser)

    assert result is None
    assert [(error.number, error.nip, error.message) for error in errors] == [
        (3, "1986092620150510", "NIP 1986092620150510 terdiri dari 16 digit; NIP harus 18 digit."),
        (4, unknown, f"Tidak ada pegawai dengan NIP {unknown} di direktori pegawai."),
        (5, "", "NIP kosong."),
        (6, spaced(known.nip), f"NIP {known.nip} sudah tercantum di baris 2."),
        (
            7,
            "1.98609262015051e+17",  # what Excel kept of it
            translation.gettext(
                "The NIP cell (%(value)s) is a number cell, so Excel may have changed its last "
                "digits. Format the NIP column as Text and type the NIP again."
            ) % {"value": "1.98609262015051e+17"},
        ),
    ]
    assert not Enrolment.objects.exists()


def test_an_excel_rounded_nip_in_a_csv_is_explained(organiser):
    data = csv_bytes([["NIP", "Nama"], ["1,98609E+17", "Budi"]])

    _result, errors = upload(TrainingFactory(), data, "peserta.csv", organiser)

    assert [error.number for error in errors] == [2]
    assert "Excel" in errors[0].message


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"Nama;Unit\nBudi;Cacaban\n", "peserta.csv", "missing_columns"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "peserta.xls", "old_excel"),
        (b"%PDF-1.7", "peserta.pdf", "file_type"),
        (b"", "peserta.csv", "empty"),
        (b"NIP\n\n", "peserta.csv", "no_rows"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(organiser, data, filename, code):
    with pytest.raises(ValidationError) as caught:
        upload(TrainingFactory(), data, filename, organiser)

    assert caught.value.code == code
    assert not Enrolment.objects.exists()


def test_the_missing_column_message_says_what_to_do():
    with translation.override("id"), pytest.raises(Exception) as caught:
        read_nip_list(io.BytesIO(b"Nama\nBudi\n"), filename="x.csv")

    assert caught.value.message.startswith("Berkas ini tidak memiliki kolom NIP.")


def test_a_finished_training_refuses_the_file_before_reading_it(organiser):
    training = TrainingFactory(status=Training.Status.FINISHED)

    with pytest.raises(ValidationError) as caught:
        upload(training, b"garbage", "x.pdf", organiser)

    assert caught.value.code == "training_closed"


@pytest.mark.django_db
@pytest.mark.parametrize("filename", ["peserta.csv", "peserta.xlsx"])
def test_a_list_of_more_nips_than_one_enrolment_takes_is_refused_without_reading_it_all(
    organiser, filename
):
    rows = [["NIP"], *[[nip_for(n % 999 + 1)] for n in range(25_000 - 1)]]
    data = csv_bytes(rows) if filename.endswith(".csv") else xlsx_bytes(rows)

    with pytest.raises(ValidationError) as refused:
        upload(TrainingFactory(), data, filename, organiser)

    assert refused.value.code == "too_many"
    assert refused.value.messages == [
        "Berkas ini memuat lebih dari 500 NIP; daftarkan paling banyak 500 orang sekaligus. "
        "Pecah menjadi beberapa berkas yang lebih kecil."
    ]
    assert not Enrolment.objects.exists()
