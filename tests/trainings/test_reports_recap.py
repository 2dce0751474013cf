import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from trainings.reports.chart import attendance_chart
from trainings.reports.recap import build_recap, recap_filename, recap_xlsx
from tests.trainings.test_reports_support import (
    STATUS,
    enrol,
    make_session,
    make_training,
    not_enrolled,
    record,
)

pytestmark = pytest.mark.django_db

# 15 September 2022, 12.00 WIB: sessions 1-3 have ended, session 4 (13.00) has not.
NOW = datetime.datetime(2022, 9, 15, 12, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def scenario():
    """Four sessions (2, 3, 2 and 2 JP), four participants, one of them cancelled after S1."""
    training = make_training()
    day1, day2 = datetime.date(2022, 9, 14), datetime.date(2022, 9, 15)
    sessions = [
        make_session(training, topic="UU 25/2009", date=day1, start_time=datetime.time(8),
                     end_time=datetime.time(9, 30), jp=2),
        make_session(training, topic="Standar pelayanan", date=day1,
                     start_time=datetime.time(9, 45), end_time=datetime.time(12), jp=3),
        make_session(training, topic="A3 dan 5S", date=day2, start_time=datetime.time(8),
                     end_time=datetime.time(9, 30), jp=2),
        make_session(training, topic="SP4N-LAPOR!", date=day2, start_time=datetime.time(13),
                     end_time=datetime.time(14, 30), jp=2),
    ]  # fmt: skip
    s1, s2, s3, s4 = sessions
    a = enrol(training, name="Ani", nip="198609262015052001")
    b = enrol(training, name="Budi", nip="198609262015051002")
    c = enrol(training, name="Citra", nip="198609262015052003")
    d = enrol(training, name="Dedi", nip="198609262015051004")
    for session, status in [(s1, STATUS.HADIR), (s2, STATUS.TERLAMBAT), (s3, STATUS.DINAS_LUAR)]:
        record(session, a, status)
    record(s1, b, STATUS.HADIR)
    record(s2, b, STATUS.ALPA)
    record(s3, b, STATUS.SAKIT, note="Demam")
    record(s4, b, STATUS.IZIN, note="Menikahkan anak")  # recorded ahead
    record(s2, c, STATUS.HADIR)  # no record for S1, which has ended
    record(s3, c, STATUS.HADIR)
    for session in (s1, s2, s3):
        record(session, d, STATUS.HADIR)
    record(s1, not_enrolled(training), STATUS.HADIR)
    return training, sessions


def _counts(summary):
    return {status: count for status, count in summary.counts.items() if count}


def test_per_session_counts_by_status(scenario):
    training, _sessions = scenario

    recap = build_recap(training, now=NOW)

    assert [_counts(summary) for summary in recap.sessions] == [
        {"hadir": 3, "not_recorded": 1},
        {"hadir": 2, "terlambat": 1, "alpa": 1},
        {"hadir": 2, "dinas_luar": 1, "sakit": 1},
        {"izin": 1, "not_recorded": 3},
    ]
    assert [summary.attended for summary in recap.sessions] == [3, 3, 3, 0]
    assert [summary.enrolled for summary in recap.sessions] == [4, 4, 4, 4]
    assert [summary.has_ended for summary in recap.sessions] == [True, True, True, False]
    assert recap.total_jp == 9


def test_per_participant_sessions_percent_and_jp(scenario):
    training, _sessions = scenario

    recap = build_recap(training, now=NOW)

    assert [
        (p.employee.name, p.attended_sessions, p.percent, p.attended_jp) for p in recap.participants
    ] == [
        ("Ani", 3, Decimal("75.0"), 7),
        ("Budi", 1, Decimal("25.0"), 2),
        ("Citra", 2, Decimal("50.0"), 5),
        ("Dedi", 3, Decimal("75.0"), 7),
    ]
    assert [mark.code for mark in recap.participants[1].marks] == ["H", "A", "S", "I"]


def test_absentees_with_the_sessions_they_missed_and_why(scenario):
    training, _sessions = scenario

    recap = build_recap(training, now=NOW)

    assert [
        (p.employee.name, [(m.session.number, m.words, m.note) for m in p.missed])
        for p in recap.absentees
    ] == [
        ("Budi", [(2, "Alpa", ""), (3, "Sakit", "Demam"), (4, "Izin", "Menikahkan anak")]),
        ("Citra", [(1, "Belum tercatat", "")]),
    ]


def test_the_trainings_own_attended_statuses_decide(scenario):
    training, _sessions = scenario
    training.attended_statuses = ["hadir", "terlambat"]

    recap = build_recap(training, now=NOW)

    ani = recap.participants[0]
    assert (ani.attended_sessions, ani.percent, ani.attended_jp) == (2, Decimal("50.0"), 5)
    assert [(m.session.number, m.status) for m in ani.missed] == [(3, "dinas_luar")]


def test_once_every_session_has_ended_a_missing_record_is_missed(scenario):
    training, _sessions = scenario

    recap = build_recap(training, now=NOW + datetime.timedelta(days=1))

    assert [(p.employee.name, len(p.missed)) for p in recap.absentees] == [
        ("Ani", 1), ("Budi", 3), ("Citra", 2), ("Dedi", 1),
    ]  # fmt: skip


def test_a_training_without_sessions_or_people():
    recap = build_recap(make_training(), now=NOW)

    assert (recap.sessions, recap.participants, recap.total_jp) == ([], [], 0)
    assert attendance_chart(recap).bars == []


@pytest.mark.parametrize(("zone", "label"), [("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")])
def test_the_recap_says_its_times_are_the_offices_own(scenario, zone, label):
    from office.services import save_office

    save_office(values={"time_zone": zone})
    training, _sessions = scenario

    workbook = openpyxl.load_workbook(io.BytesIO(recap_xlsx(build_recap(training, now=NOW))))

    header = next(workbook["Per sesi"].iter_rows(values_only=True))
    assert header[2] == f"Waktu ({label})"


def test_xlsx_has_a_sheet_per_view_and_nip_as_text(scenario):
    training, _sessions = scenario

    workbook = openpyxl.load_workbook(io.BytesIO(recap_xlsx(build_recap(training, now=NOW))))

    assert workbook.sheetnames == ["Per sesi", "Per peserta", "Ketidakhadiran"]
    per_session = [list(row) for row in workbook["Per sesi"].iter_rows(values_only=True)]
    assert per_session[0] == [
        "No", "Tanggal", "Waktu (WIB)", "Materi", "JP", "Hadir", "Terlambat", "Izin", "Sakit",
        "Dinas Luar", "Alpa", "Belum tercatat", "Mengikuti", "Peserta",
    ]  # fmt: skip
    assert per_session[1] == [
        1, datetime.datetime(2022, 9, 14), "08.00–09.30", "UU 25/2009", 2,
        3, 0, 0, 0, 0, 0, 1, 3, 4,
    ]  # fmt: skip
    per_person = [list(row) for row in workbook["Per peserta"].iter_rows(values_only=True)]
    assert per_person[0] == [
        "No", "Nama", "NIP", "Jabatan", "Unit Kerja", "S1", "S2", "S3", "S4", "Sesi diikuti",
        "Persentase kehadiran", "JP diikuti",
    ]  # fmt: skip
    assert per_person[2] == [
        2, "Budi", "198609262015051002", "Pengadministrasi Umum",
        training.enrolments.get(employee__name="Budi").employee.unit.name,
        "H", "A", "S", "I", 1, 25.0, 2,
    ]  # fmt: skip
    nip_cell = workbook["Per peserta"]["C3"]
    assert (nip_cell.data_type, nip_cell.number_format) == ("s", "@")
    absentees = [list(row)[:9] for row in workbook["Ketidakhadiran"].iter_rows(values_only=True)]
    assert [(row[1], row[4], row[7], row[8]) for row in absentees[1:]] == [
        ("Budi", 2, "Alpa", None),
        ("Budi", 3, "Sakit", "Demam"),
        ("Budi", 4, "Izin", "Menikahkan anak"),
        ("Citra", 1, "Belum tercatat", None),
    ]


def test_xlsx_keeps_a_formula_like_name_as_text():
    training = make_training()
    make_session(training)
    enrol(training, name='=HYPERLINK("http://x")')

    workbook = openpyxl.load_workbook(io.BytesIO(recap_xlsx(build_recap(training, now=NOW))))

    cell = workbook["Per peserta"]["B2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def test_recap_filename():
    assert recap_filename(make_training()) == "rekap-kehadiran-BIMTEK-PP-2022.xlsx"


def test_chart_has_one_bar_per_session_with_segments_as_long_as_their_counts(scenario):
    training, _sessions = scenario

    chart = attendance_chart(build_recap(training, now=NOW))

    assert [bar.label for bar in chart.bars] == [
        "Sesi 1 · 14/09", "Sesi 2 · 14/09", "Sesi 3 · 15/09", "Sesi 4 · 15/09",
    ]  # fmt: skip
    first = chart.bars[0]
    assert [(s.words, s.count, s.width) for s in first.segments] == [
        ("Hadir", 3, 330.0), ("Belum tercatat", 1, 110.0),
    ]  # fmt: skip
    assert first.summary == "Sesi 1 · 14/09, UU 25/2009: Hadir 3, Belum tercatat 1"
    assert [item.words for item in chart.legend] == [
        "Hadir", "Terlambat", "Izin", "Sakit", "Dinas Luar", "Alpa", "Belum tercatat",
    ]  # fmt: skip
    assert "4 peserta terdaftar" in chart.description
