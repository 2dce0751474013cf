import datetime
import io
import re
import time

import pypdfium2.raw as pdfium_c
import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from PIL import Image

from office.services import save_office
from trainings.models import Session
from trainings.reports.daftar_hadir import (
    build_daftar_hadir,
    daftar_hadir_filename,
    render_daftar_hadir_pdf,
    time_range,
    venue_of,
)
from core.pdf import LocalFileError, read_local_file, resolve_local_url
from tests.trainings.test_reports_support import (
    MM,
    SIGN_HALF_MM,
    SIGN_RIGHT_EDGE_MM,
    STATUS,
    embedded_font_names,
    enrol,
    make_session,
    make_training,
    not_enrolled,
    pdf_document,
    pdf_text,
    pdf_text_in_columns,
    record,
)
from tests.factories import EnrolmentFactory, NonAsnEmployeeFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

LONG_NAME = "Dr. dr. H. Raden Mas Bagus Kusumawardhana Wicaksono Adiningrat, Sp.PD., M.Kes., M.H."


def _session_for_sheet(session):
    return (
        Session.objects.select_related("training__organiser_unit")
        .prefetch_related("speakers")
        .get(pk=session.pk)
    )


def _pdf(session) -> tuple[object, bytes]:
    sheet = build_daftar_hadir(_session_for_sheet(session))
    return sheet, render_daftar_hadir_pdf(sheet)


@pytest.fixture
def scenario():
    """Seven people enrolled, one of each status, one not recorded; two who must not show."""
    training = make_training()
    session = make_session(training)
    make_session(
        training, topic="Budaya 5S", date=datetime.date(2022, 9, 15), start_time=datetime.time(8)
    )
    session.speakers.add(
        SpeakerFactory(
            name="Siti Nurhayati",
            gelar_belakang="S.H., M.H.",
            institution="Ombudsman RI Perwakilan Jawa Tengah",
        )
    )
    people = {
        "ahmad": enrol(training, name="Ahmad Ma'ruf", gelar_belakang="S.Kom.",
                       nip="198609262015051001", jabatan="Pengadministrasi Umum"),
        "raden": enrol(training, gelar_depan="Dr. dr. H.",
                       name="Raden Mas Bagus Kusumawardhana Wicaksono Adiningrat",
                       gelar_belakang="Sp.PD., M.Kes., M.H.", nip="197001012000031002"),
        "bambang": enrol(training, name="Bambang Setyo Nugroho", gelar_belakang="S.Kep., Ns.",
                         nip="199102242018031187"),
        "citra": enrol(training, name="Citra Dewi", nip="199203152019032005"),
        "dwi": enrol(training, name="Dwi Ratna Sari", nip="199406232023012240"),
        "endang": enrol(training, name="Endang Purwaningsih", nip="198705052014052047"),
        "fajar": enrol(training, name="fajar nugroho", nip="199001012015031003"),
    }  # fmt: skip
    record(session, people["ahmad"], STATUS.HADIR)
    record(session, people["raden"], STATUS.IZIN)
    record(session, people["bambang"], STATUS.SAKIT)
    record(session, people["citra"], STATUS.DINAS_LUAR)
    record(session, people["dwi"], STATUS.ALPA)
    record(session, people["endang"], STATUS.TERLAMBAT)
    cancelled = not_enrolled(training)
    record(session, cancelled, STATUS.HADIR)
    return session, people


# In name order: odd numbers sign left, even numbers sign right.
ORDER = [
    "Ahmad Ma'ruf, S.Kom.",
    "Bambang Setyo Nugroho, S.Kep., Ns.",
    "Citra Dewi",
    "Dwi Ratna Sari",
    "Endang Purwaningsih",
    "fajar nugroho",
    LONG_NAME,
]


def test_the_list_is_everyone_enrolled_by_name_without_the_waiting_and_cancelled(scenario):
    session, _people = scenario

    sheet, _pdf_bytes = _pdf(session)

    assert [row.name for row in sheet.rows] == ORDER
    assert [row.number for row in sheet.rows] == [1, 2, 3, 4, 5, 6, 7]


def test_pdf_holds_every_name_and_grouped_nip(scenario):
    session, _people = scenario

    _sheet, data = _pdf(session)
    text = pdf_text(data)

    for name in ORDER:
        assert name in text
    for nip in [
        "19860926 201505 1 001", "19700101 200003 1 002", "19910224 201803 1 187",
        "19920315 201903 2 005", "19940623 202301 2 240", "19870505 201405 2 047",
        "19900101 201503 1 003",
    ]:  # fmt: skip
        assert nip in text
    assert "Zaenal" not in text
    assert "Yusuf" not in text


def test_pdf_header_is_indonesian_with_day_date_time_venue_topic_and_speaker(scenario):
    session, _people = scenario

    with translation.override("en"):  # an official document: Indonesian whoever prints it
        _sheet, data = _pdf(session)
    text = pdf_text(data)

    assert "DAFTAR HADIR PESERTA" in text
    assert "BIMTEK PELAYANAN PRIMA" in text
    assert "Kegiatan : Bimtek Pelayanan Prima (BIMTEK-PP-2022)" in text
    assert "Hari/Tanggal : Rabu, 14 September 2022" in text
    assert "Waktu : 08.00 – 11.30 WIB" in text
    assert "Tempat : Aula Adipura Kencana, Kantor Wali Kota Magelang" in text
    assert "Materi : Standar Pelayanan dan Maklumat Pelayanan" in text
    assert "Narasumber : Siti Nurhayati, S.H., M.H. (Ombudsman RI Perwakilan Jawa Tengah)" in text
    assert "Sesi 1 dari 2" in text
    assert "No Nama NIP Jabatan Unit Kerja Tanda Tangan" in text


def test_pdf_totals_by_status_and_the_full_breakdown(scenario):
    session, _people = scenario

    _sheet, data = _pdf(session)
    text = pdf_text(data)

    assert "Jumlah peserta 7 orang" in text
    assert "Hadir 2 orang" in text  # Hadir and Terlambat
    assert "Izin/Sakit 2 orang" in text
    assert "Dinas Luar 1 orang" in text
    assert "Tidak hadir 1 orang" in text
    assert "Belum tercatat 1 orang" in text
    assert "Rincian: Hadir 1 · Terlambat 1 · Izin 1 · Sakit 1 · Dinas Luar 1 · Alpa 1" in text


def test_pdf_ends_with_the_organisers_signature_block(scenario):
    session, _people = scenario

    _sheet, data = _pdf(session)
    text = pdf_text(data)

    assert (
        "Magelang, 14 September 2022 Ketua Panitia, Hening Widyaningrum, S.Psi., M.M. "
        "NIP. 19880314 201203 2 017"
    ) in text


@pytest.mark.parametrize(
    ("zone", "place", "label"),
    [("Asia/Makassar", "Makassar", "WITA"), ("Asia/Jayapura", "Jayapura", "WIT")],
)
def test_an_office_in_another_zone_prints_its_place_and_its_zone(scenario, zone, place, label):
    save_office(values={"time_zone": zone, "place": place})
    session, _people = scenario

    _sheet, data = _pdf(session)
    text = pdf_text(data)

    assert f"Waktu : 08.00 – 11.30 {label}" in text  # the session's own clock times
    assert f"{place}, 14 September 2022 Ketua Panitia" in text
    assert "WIB" not in text


def test_signer_without_a_directory_entry_is_named_without_nip():
    training = make_training(contact_name="Drs. Joko Prasetyo, M.Si.")
    session = make_session(training)

    sheet, data = _pdf(session)

    assert (sheet.signer.name, sheet.signer.nip) == ("Drs. Joko Prasetyo, M.Si.", "")
    assert "Drs. Joko Prasetyo, M.Si. NIP. ......" in pdf_text(data)


def test_zig_zag_odd_numbers_sign_left_even_numbers_right(scenario):
    session, _people = scenario

    _sheet, data = _pdf(session)
    left = pdf_text_in_columns(
        data,
        left_mm=SIGN_RIGHT_EDGE_MM - 2 * SIGN_HALF_MM + 0.5,
        right_mm=SIGN_RIGHT_EDGE_MM - SIGN_HALF_MM - 0.5,
    )[0]
    right = pdf_text_in_columns(
        data, left_mm=SIGN_RIGHT_EDGE_MM - SIGN_HALF_MM + 0.5, right_mm=SIGN_RIGHT_EDGE_MM - 0.5
    )[0]

    # The column header "Tanda Tangan" spans both halves; below the list comes the signer block.
    left = left.split("Tanda", 1)[1]
    right = right.split("Tangan", 1)[1]

    assert re.findall(r"\b(\d+)\.", left) == ["1", "3", "5", "7"]
    assert re.findall(r"\b(\d+)\.", right) == ["2", "4", "6"]
    # Status with notice or Alpa in words, in the half of the person's number; a presence the
    # organiser set says so; blank for ink when nothing is recorded.
    assert left.split()[:11] == [
        "1.", "Hadir", "(panitia)", "3.", "Dinas", "Luar", "5.", "Terlambat", "(panitia)", "7.",
        "Izin",
    ]  # fmt: skip
    assert right.split() == ["2.", "Sakit", "4.", "Alpa", "6.", ".................."]


def test_fonts_are_ours_and_embedded_and_the_text_extracts(scenario):
    session, _people = scenario

    _sheet, data = _pdf(session)
    fonts = embedded_font_names(data)

    assert fonts
    assert all(embedded for embedded in fonts.values())
    assert {re.sub(r"^[A-Z]{6}\+", "", name) for name in fonts} == {
        "Bimtek-Sans-Semi-Condensed",
        "Bimtek-Sans-Bold-Semi-Condensed",
    }
    assert "DAFTAR HADIR PESERTA" in pdf_text(data)


def test_a_captured_signature_is_drawn_in(scenario):
    session, people = scenario
    png = io.BytesIO()
    Image.new("RGB", (120, 48), "white").save(png, "PNG")
    attendance = session.attendances.get(enrolment=people["ahmad"])
    attendance.signature.save("ahmad.png", ContentFile(png.getvalue()))

    sheet, data = _pdf(session)

    page = pdf_document(data)[0]
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    assert sheet.rows[0].signature == attendance.signature.name
    assert len(images) == 1


def test_a_digital_check_in_says_how_and_when_in_the_signature_cell():
    training = make_training()
    session = make_session(training)
    arrived = datetime.datetime(2022, 9, 14, 7, 31, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    people = {
        name: enrol(training, name=name)
        for name in ["Ani Self", "Budi Badge", "Citra Late", "Dedi Manual"]
    }
    record(session, people["Ani Self"], STATUS.HADIR, method="self", recorded_at=arrived)
    record(session, people["Budi Badge"], STATUS.HADIR, method="scan", recorded_at=arrived)
    record(
        session, people["Citra Late"], STATUS.TERLAMBAT, method="self",
        recorded_at=arrived + datetime.timedelta(minutes=21),
    )
    record(session, people["Dedi Manual"], STATUS.HADIR, method="manual", recorded_at=arrived)

    sheet, data = _pdf(session)

    assert [row.checked_in for row in sheet.rows] == [
        "Hadir (QR) 07.31", "Hadir (lencana) 07.31", "Terlambat (QR) 07.52", "Hadir (panitia)",
    ]  # fmt: skip
    text = pdf_text(data)
    for words in ["Hadir (QR) 07.31", "Hadir (lencana) 07.31", "Terlambat (QR) 07.52"]:
        assert words in text


def test_a_drawn_signature_wins_over_the_words(scenario):
    session, people = scenario
    png = io.BytesIO()
    Image.new("RGB", (120, 48), "white").save(png, "PNG")
    session.attendances.get(enrolment=people["ahmad"]).signature.save(
        "ahmad.png", ContentFile(png.getvalue())
    )

    sheet, _data = _pdf(session)

    assert sheet.rows[0].signature
    assert sheet.rows[0].checked_in == ""


def test_the_nip_keeps_clear_of_its_cell_border():
    training = make_training()
    session = make_session(training)
    enrol(training, name="Ahmad", nip="198609262015051001", jabatan="Pengadministrasi Umum")

    _sheet, data = _pdf(session)

    textpage = pdf_document(data)[0].get_textpage()
    text = textpage.get_text_range()
    nip_at = text.index("19860926 201505 1 001")
    nip_right = textpage.get_charbox(nip_at + len("19860926 201505 1 001") - 1)[2]
    position_left = textpage.get_charbox(text.index("Pengadministrasi", nip_at))[0]
    # Each cell has 1.2 mm of padding: the gap between the NIP and the next column's text is
    # at least both paddings, so the NIP neither touches nor crosses the border between them.
    assert (position_left - nip_right) / MM >= 2.4


def test_a_sheet_printed_before_the_session_has_dots_to_fill_in_by_hand():
    training = make_training()
    session = make_session(training)
    enrol(training, name="Sri Wahyuningsih", gelar_belakang="A.Md.Kep.")

    _sheet, data = _pdf(session)
    text = pdf_text(data)

    assert "1. .................." in text
    assert "Hadir ........ orang" in text
    assert "Tidak hadir ........ orang" in text
    assert "Rincian" not in text


def test_markup_in_a_name_is_printed_as_text_not_fetched():
    training = make_training()
    session = make_session(training)
    enrol(training, name='<img src="file:///etc/passwd"> Budi')

    _sheet, data = _pdf(session)

    assert '<img src="file:///etc/passwd"> Budi' in pdf_text(data)


def test_a_long_list_repeats_the_header_on_each_page_and_never_splits_a_row():
    training = make_training()
    session = make_session(training)
    for number in range(55):
        enrol(training, name=f"Peserta {number:02d}", jabatan="Perekam Medis Terampil")

    _sheet, data = _pdf(session)
    document = pdf_document(data)
    pages = [" ".join(page.get_textpage().get_text_range().split()) for page in document]

    assert len(pages) >= 3
    for page in pages:
        assert "No Nama NIP Jabatan Unit Kerja Tanda Tangan" in page
    for number in range(55):
        assert sum(f"Peserta {number:02d}" in page for page in pages) == 1
    assert "Ketua Panitia" in pages[-1]
    assert re.search(r"Peserta \d\d", pages[-1])  # the signature never stands alone


def test_55_people_render_well_under_two_seconds():
    training = make_training()
    session = make_session(training)
    for number in range(55):
        enrolment = enrol(
            training, name=f"Peserta Pelayanan Prima {number:02d}", gelar_belakang="S.Kom."
        )
        record(session, enrolment, STATUS.HADIR)
    _pdf(session)  # the first PDF of a process loads WeasyPrint and the fonts

    # CPU time of this process: other work on a busy machine does not count against it.
    started = time.process_time()
    _pdf(session)
    elapsed = time.process_time() - started

    assert elapsed < 2.0


@pytest.mark.parametrize(
    ("code", "number", "expected"),
    [
        ("BIMTEK-PP-2022", 1, "daftar-hadir-BIMTEK-PP-2022-sesi-1.pdf"),
        ("Bimtek PP/2026 A2", 12, "daftar-hadir-BIMTEK-PP2026-A2-sesi-12.pdf"),
    ],
)
def test_filename(code, number, expected):
    session = make_session(make_training(code=code))

    assert daftar_hadir_filename(session, number=number) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "file:///etc/passwd",
        "http://bimtek.invalid/static/css/pdf/fonts.css",
        "https://bimtek.invalid/static/../bimtek/settings.py",
        "https://bimtek.invalid/media/../../etc/passwd",
        "https://bimtek.invalid/media/%2e%2e/secret",
        "https://bimtek.invalid/other/file",
        "https://bimtek.invalid/static/css/pdf/fonts.css?x=1",
    ],
)
def test_the_pdf_url_fetcher_refuses_anything_but_our_files(url):
    with pytest.raises(LocalFileError):
        read_local_file(url)


def test_the_pdf_url_fetcher_reads_our_static_and_media_files(settings):
    (settings.MEDIA_ROOT / "signatures").mkdir(parents=True)
    (settings.MEDIA_ROOT / "signatures" / "a.png").write_bytes(b"PNG")

    assert resolve_local_url("https://bimtek.invalid/static/css/pdf/fonts.css") == (
        "static",
        "css/pdf/fonts.css",
    )
    assert b"@font-face" in read_local_file("https://bimtek.invalid/static/css/pdf/fonts.css")
    assert read_local_file("https://bimtek.invalid/media/signatures/a.png") == b"PNG"


def test_honorary_staff_show_no_nip_and_never_their_nik():
    training = make_training()
    session = make_session(training)
    honorary = NonAsnEmployeeFactory(name="Sutarmi")
    EnrolmentFactory(training=training, employee=honorary)

    sheet, data = _pdf(session)
    text = pdf_text(data)

    assert sheet.rows[0].nip == ""
    assert "Sutarmi –" in text
    assert sheet.rows[0].name in text
    assert honorary.nik not in text


@pytest.mark.parametrize(
    ("room", "venue", "expected"),
    [
        ("", "Aula Adipura Kencana", "Aula Adipura Kencana"),
        ("Aula Adipura Kencana", "Aula Adipura Kencana, Kantor Wali Kota Magelang",
         "Aula Adipura Kencana, Kantor Wali Kota Magelang"),
        ("Ruang Rapat 2", "Kantor BKPSDM", "Ruang Rapat 2, Kantor BKPSDM"),
        ("Ruang Rapat 2", "", "Ruang Rapat 2"),
    ],
)  # fmt: skip
def test_venue_names_the_room_once(room, venue, expected):
    session = make_session(make_training(venue=venue), room=room)

    assert venue_of(session) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Jakarta", "08.00 – 11.30 WIB"), ("Asia/Makassar", "08.00 – 11.30 WITA"),
     ("Asia/Jayapura", "08.00 – 11.30 WIT")],
)  # fmt: skip
def test_time_range_names_the_offices_time_zone(zone, expected):
    save_office(values={"time_zone": zone})
    session = make_session(make_training())

    with translation.override("id"):
        assert time_range(session) == expected
