"""Whatever file is uploaded as a spreadsheet or text, the page answers with a message or success.

Random and malformed CSV (encodings, separators, quotes, NULs, control characters, huge cells),
XLSX (random bytes, truncated archives, zip bombs, wrong content types, XML with entities) and
Aiken text go through the real pages with the test client: the question import, the NIP list
of the enrolment and the admin's staff-list import. Each must end in success or in a message
shown to the user, never in a server error or a hang (a deadline per example). The examples are
derandomized so CI is repeatable, and few enough to keep the whole file near half a minute.
"""

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import StaffListImport
from tests.factories import TrainingFactory, admin_user, nip_for, organiser_user

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=datetime.timedelta(seconds=10),
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UNEXPECTED = "kesalahan tak terduga"

# Text ----------------------------------------------------------------------------------------

CELL_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(';,\t"\'=\r\n\x00\x1b\x07\u2028\ufeff')),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
HEADERS = st.lists(
    st.sampled_from(["Pertanyaan", "A", "B", "C", "Kunci", "Topik", "NIP", "Nama", "Unit Kerja"]),
    max_size=6,
)


@st.composite
def csv_files(draw) -> bytes:
    """A CSV as offices and attackers write it: any separator, encoding, quoting or size."""
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = [draw(HEADERS)] + draw(st.lists(st.lists(CELL_TEXT, max_size=8), max_size=12))
    if draw(st.booleans()):
        rows.append(["x" * draw(st.sampled_from([1000, 200_000]))])  # a huge cell
    text = "\r\n".join(delimiter.join(row) for row in rows)
    if draw(st.booleans()):
        text = text.replace('"', '"' * draw(st.integers(1, 3)))  # broken quoting
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    return text.encode(encoding, errors="replace")


AIKEN_LINE = st.one_of(
    CELL_TEXT,
    st.builds(lambda letter, text: f"{letter}{text}", st.sampled_from(["A. ", "B)", "C.", "G. "]),
              CELL_TEXT),
    st.builds(lambda key: f"ANSWER: {key}", st.sampled_from(["A", "B", "Z", "", "AB"])),
    st.just(""),
)  # fmt: skip


@st.composite
def aiken_files(draw) -> bytes:
    text = "\n".join(draw(st.lists(AIKEN_LINE, max_size=30)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


# Workbooks -----------------------------------------------------------------------------------

ENTITY_SHEET = (
    b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
    b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
    b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&g;</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>'
)


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def with_entry(data: bytes, name: str, content: bytes) -> bytes:
    """Replace (or add) one entry of a workbook's archive."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            if entry.filename != name:
                archive.writestr(entry, source.read(entry.filename))
        archive.writestr(name, content)
    return output.getvalue()


def zip_bomb() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            for _ in range(250):
                entry.write(bytes(1024 * 1024))
    return output.getvalue()


CELL_VALUE = st.one_of(
    CELL_TEXT, st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
    st.sampled_from([nip_for(1), "=1+1", "=HYPERLINK(\"x\")"]),
)  # fmt: skip


@st.composite
def xlsx_files(draw) -> bytes:
    kind = draw(st.sampled_from(["cells", "random", "truncated", "entities", "types", "bomb"]))
    if kind == "random":
        return draw(st.sampled_from([b"", b"PK\x03\x04"])) + draw(st.binary(max_size=2000))
    if kind == "bomb":
        return ZIP_BOMB
    rows = [draw(HEADERS)] + draw(st.lists(st.lists(CELL_VALUE, max_size=6), max_size=8))
    try:
        data = workbook(rows)
    except Exception:  # openpyxl refuses to write some values (control characters)
        data = workbook([["Pertanyaan", "A", "B", "Kunci"], ["Apa?", "ya", "tidak", "A"]])
    if kind == "truncated":
        return data[: draw(st.integers(0, len(data) - 1))]
    if kind == "entities":
        return with_entry(data, "xl/worksheets/sheet1.xml", ENTITY_SHEET)
    if kind == "types":
        return with_entry(data, "[Content_Types].xml", draw(st.binary(max_size=300)))
    return data


ZIP_BOMB = zip_bomb()
UPLOADS = st.one_of(
    st.tuples(st.just("berkas.csv"), csv_files()),
    st.tuples(st.just("berkas.txt"), aiken_files()),
    st.tuples(st.just("berkas.xlsx"), xlsx_files()),
    st.tuples(st.sampled_from(["berkas.csv", "berkas.xlsx", "berkas.txt"]), st.binary(max_size=3000)),
)


def shown_messages(response) -> list[str]:
    """The problems the page shows: the form's errors, or the rows (lines) refused."""
    context = response.context
    found = [str(error) for errors in context["form"].errors.values() for error in errors]
    result = context.get("result")
    found += [str(error.message) for error in getattr(result, "errors", [])]
    found += [str(error.message) for error in context.get("row_errors") or []]
    return found


def assert_message_or_success(response):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        messages = shown_messages(response)
        assert messages, "a refused file must say why"
        page = response.content.decode()
        assert all(escape(message)[:40] in page for message in messages)


@given(upload=UPLOADS)
@FUZZ
def test_the_question_import_answers_every_file_with_a_message_or_success(upload):
    name, data = upload
    client = Client()
    client.force_login(organiser_user())
    training = TrainingFactory()

    response = client.post(
        reverse("assessments:question_import", args=[training.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )

    assert_message_or_success(response)


@given(upload=UPLOADS)
@FUZZ
def test_the_enrolment_nip_list_answers_every_file_with_a_message_or_success(upload):
    name, data = upload
    client = Client()
    client.force_login(organiser_user())
    training = TrainingFactory()

    response = client.post(
        reverse("trainings:enrol_from_file", args=[training.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )

    assert_message_or_success(response)


@given(upload=UPLOADS)
@settings(parent=FUZZ, max_examples=15)
def test_the_staff_import_answers_every_file_with_a_message_or_a_preview(
    upload, django_capture_on_commit_callbacks
):
    name, data = upload
    client = Client()
    client.force_login(admin_user())
    StaffListImport.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participants:import"),
            {"file": SimpleUploadedFile(name.replace(".txt", ".csv"), data)},
        )

    assert response.status_code in (200, 302)
    staff_import = StaffListImport.objects.first()
    if response.status_code == 200:
        assert staff_import is None and response.context["form"].errors
        return
    assert staff_import.status in (StaffListImport.Status.VALIDATED, StaffListImport.Status.FAILED)
    assert staff_import.status == StaffListImport.Status.VALIDATED or staff_import.error
    assert UNEXPECTED not in staff_import.error
    status = client.get(reverse("participants:import_status", args=[staff_import.pk]))
    assert status.status_code == 200
