"""Organiser pages: the bank, the tests' settings, results, analysis, PDF and XLSX."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Attempt, Question
from assessments.question_files import QuestionRow, write_question_table
from tests.factories import (
    EmployeeFactory,
    EnrolmentFactory,
    TrainingFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)

from .conftest import open_test
from .factories import make_question, take_test

TESTS_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return organiser_user()


def _pages(training, question, attempt):
    pk = training.pk
    return [
        ("get", reverse("assessments:training_index")),
        ("get", reverse("assessments:training_tests", args=[pk])),
        ("get", reverse("assessments:question_list", args=[pk])),
        ("get", reverse("assessments:question_create", args=[pk])),
        ("get", reverse("assessments:question_edit", args=[question.pk])),
        ("post", reverse("assessments:question_delete", args=[question.pk])),
        ("get", reverse("assessments:question_import", args=[pk])),
        ("get", reverse("assessments:question_export", args=[pk]) + "?format=csv"),
        ("get", reverse("assessments:bank_copy", args=[pk])),
        ("get", reverse("assessments:assessment_edit", args=[pk, "pre"])),
        ("post", reverse("assessments:assessment_release", args=[pk, "pre"])),
        ("post", reverse("assessments:assessment_open_now", args=[pk, "pre"])),
        ("get", reverse("assessments:results", args=[pk])),
        ("get", reverse("assessments:item_analysis", args=[pk])),
        ("get", reverse("assessments:results_xlsx", args=[pk])),
        ("get", reverse("assessments:results_pdf", args=[pk])),
        ("get", reverse("assessments:attempt_reset", args=[attempt.pk])),
        ("post", reverse("assessments:attempt_reset", args=[attempt.pk])),
    ]


@pytest.mark.parametrize(
    "make_user",
    [participant_user, UserFactory, admin_user],
    ids=["participant", "no-role", "admin"],
)
def test_only_organisers_reach_the_organiser_pages(
    client, make_user, training, pre, enrolment, bank
):
    attempt = take_test(pre, enrolment, right=3)
    client.force_login(make_user())

    for method, url in _pages(training, bank[0], attempt):
        assert getattr(client, method)(url).status_code == 403, url
    assert Question.objects.count() == 5
    assert Attempt.objects.get().reset_at is None


def test_organisers_open_every_page(client, organiser, training, pre, enrolment, bank):
    attempt = take_test(pre, enrolment, right=3)
    client.force_login(organiser)

    for method, url in _pages(training, bank[0], attempt):
        if method == "get":
            assert client.get(url).status_code == 200, url


# The bank ---------------------------------------------------------------------------------------


def test_add_a_question(client, organiser, training):
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:question_create", args=[training.pk]),
        {
            "text": "Apa arti A3?",
            "option_a": "Attitude, Attention, Action",
            "option_b": "Aman",
            "option_c": "",
            "correct": "A",
            "explanation": "Konsep A3.",
        },
    )

    assert response["Location"] == reverse("assessments:question_list", args=[training.pk])
    question = Question.objects.get()
    assert [o.text for o in question.options.all()] == ["Attitude, Attention, Action", "Aman"]
    assert question.options.get(is_correct=True).letter == "A"


def test_a_key_on_an_empty_option_is_shown_on_the_form(client, organiser, training):
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:question_create", args=[training.pk]),
        {"text": "Soal?", "option_a": "x", "option_b": "y", "correct": "D"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["correct"] == [
        "Pilih kunci di antara pilihan yang terisi."
    ]
    assert not Question.objects.exists()


def test_edit_a_question(client, organiser, training, bank):
    client.force_login(organiser)
    question = bank[0]

    form = client.get(reverse("assessments:question_edit", args=[question.pk])).context["form"]
    data = {
        **{k: v for k, v in form.initial.items() if v is not None},
        "text": "Diubah?",
        "correct": "B",
    }
    data.pop("topic", None)
    response = client.post(reverse("assessments:question_edit", args=[question.pk]), data)

    question.refresh_from_db()
    assert response.status_code == 302
    assert question.text == "Diubah?"
    assert question.options.get(is_correct=True).letter == "B"


def test_the_bank_page_lists_questions_with_the_key(
    client, organiser, training, bank, django_assert_num_queries
):
    client.force_login(organiser)
    url = reverse("assessments:question_list", args=[training.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count('class="is-key"') == 5
    many = [make_question(training=training) for _ in range(10)]
    with django_assert_num_queries(_count_queries(client, url)):
        client.get(url)
    assert many


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context)


def test_import_an_xlsx(client, organiser, training):
    content = write_question_table(
        [QuestionRow(text=f"Soal {n}?", options=["a", "b", "c"], correct=n % 3) for n in range(3)],
        file_format="xlsx",
    )
    upload = io.BytesIO(content)
    upload.name = "soal.xlsx"
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:question_import", args=[training.pk]), {"file": upload}, follow=True
    )

    assert Question.objects.filter(training=training).count() == 3
    assert "3 soal berhasil diimpor." in response.content.decode()


def test_an_import_with_errors_lists_them_by_row(client, organiser, training):
    upload = io.BytesIO(b"Pertanyaan;A;B;Kunci\nBaik?;x;y;A\nTanpa kunci?;x;y;\n")
    upload.name = "soal.csv"
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:question_import", args=[training.pk]), {"file": upload}
    )

    content = response.content.decode()
    assert "Tidak ada yang diimpor" in content
    assert '<td class="num">3</td><td>Kunci kosong.</td>' in content
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("file_format", "content_type", "first_line"),
    [
        ("csv", "text/csv; charset=utf-8", "\ufeffPertanyaan;A;B;C;D;E;Kunci;Topik;Penjelasan"),
        ("aiken", "text/plain; charset=utf-8", "Soal nomor 1?"),
    ],
)
def test_export_the_bank(client, organiser, training, bank, file_format, content_type, first_line):
    client.force_login(organiser)

    response = client.get(
        reverse("assessments:question_export", args=[training.pk]), {"format": file_format}
    )

    assert response["Content-Type"] == content_type
    assert response.content.decode().splitlines()[0] == first_line
    assert "attachment" in response["Content-Disposition"]


def test_copy_a_bank_from_an_earlier_batch(client, organiser, training, bank):
    target = TrainingFactory(batch=2)
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:bank_copy", args=[target.pk]), {"source": training.pk}, follow=True
    )

    assert Question.objects.filter(training=target).count() == 5
    assert "5 soal berhasil disalin." in response.content.decode()


# Settings, release, reset -----------------------------------------------------------------------


def test_set_up_a_post_test_with_a_pass_mark(client, organiser, training, bank):
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:assessment_edit", args=[training.pk, "post"]),
        {
            "opens_at": "2026-12-08T14:00",
            "closes_at": "2026-12-08T15:00",
            "time_limit_minutes": "20",
            "all_questions": "on",
            "shuffle_questions": "on",
            "shuffle_options": "on",
            "pass_mark": "70",
        },
    )

    assert response.status_code == 302
    post = Assessment.objects.get(kind="post")
    assert post.pass_mark == Decimal(70)
    assert post.opens_at.isoformat() == "2026-12-08T07:00:00+00:00"  # 14.00 WIB


def test_an_unknown_kind_is_a_404(client, organiser, training):
    client.force_login(organiser)

    assert (
        client.get(reverse("assessments:assessment_edit", args=[training.pk, "mid"])).status_code
        == 404
    )


def test_release_and_hide_results(client, organiser, training, pre):
    client.force_login(organiser)
    url = reverse("assessments:assessment_release", args=[training.pk, "pre"])

    client.post(url, {"action": "release"})
    pre.refresh_from_db()
    released = pre.results_released_at
    client.post(url, {"action": "withdraw"})
    pre.refresh_from_db()

    assert released is not None and pre.results_released_at is None


def test_a_test_set_for_later_opens_now_with_its_whole_time_limit(
    client, organiser, training, bank
):
    later = timezone.now() + datetime.timedelta(hours=2)
    pre = open_test(
        training, opens_at=later, closes_at=later + datetime.timedelta(minutes=30),
        time_limit_minutes=45,
    )
    client.force_login(organiser)
    page = client.get(reverse("assessments:training_tests", args=[training.pk]))
    assert "Buka sekarang" in page.text

    response = client.post(
        reverse("assessments:assessment_open_now", args=[training.pk, "pre"]), follow=True
    )

    pre.refresh_from_db()
    now = timezone.now()
    assert pre.opens_at <= now < pre.closes_at
    assert pre.closes_at == later + datetime.timedelta(minutes=30)  # later than now + 45 min
    assert "Pre-test dibuka sekarang, sampai" in response.text
    assert "Buka sekarang" not in response.text  # it is open: nothing more to open


def test_opening_a_closed_test_again_gives_the_whole_time_limit(client, organiser, training, bank):
    earlier = timezone.now() - datetime.timedelta(days=1)
    pre = open_test(
        training, opens_at=earlier, closes_at=earlier + datetime.timedelta(hours=1),
        time_limit_minutes=20,
    )
    client.force_login(organiser)

    client.post(reverse("assessments:assessment_open_now", args=[training.pk, "pre"]))
    client.post(reverse("assessments:assessment_open_now", args=[training.pk, "pre"]))

    pre.refresh_from_db()
    assert pre.closes_at - pre.opens_at == datetime.timedelta(minutes=20)
    assert pre.opens_at <= timezone.now()


def test_reset_an_attempt_with_a_reason(client, organiser, pre, enrolment):
    attempt = take_test(pre, enrolment, right=1)
    client.force_login(organiser)

    response = client.post(
        reverse("assessments:attempt_reset", args=[attempt.pk]), {"reason": "HP mati"}
    )

    attempt.refresh_from_db()
    assert response.status_code == 302
    assert (attempt.reset_reason, attempt.reset_by) == ("HP mati", organiser)


def test_a_reset_without_reason_is_refused(client, organiser, pre, enrolment):
    attempt = take_test(pre, enrolment, right=1)
    client.force_login(organiser)

    response = client.post(reverse("assessments:attempt_reset", args=[attempt.pk]), {"reason": ""})

    assert response.status_code == 200
    attempt.refresh_from_db()
    assert attempt.reset_at is None


# Results ----------------------------------------------------------------------------------------


def _class(training, pre, post, size: int):
    """Enrol `size` people in two units; each takes both tests (one skips the post-test)."""
    units = [UnitFactory(name="Kelurahan Cacaban"), UnitFactory(name="RSUD Tidar")]
    for number in range(size):
        enrolment = EnrolmentFactory(
            training=training, employee=EmployeeFactory(unit=units[number % 2])
        )
        take_test(pre, enrolment, right=number % 4)
        if number:
            take_test(post, enrolment, right=min(5, number % 4 + 2))


@pytest.mark.parametrize("name", ["results", "item_analysis"])
def test_the_results_pages_run_the_same_queries_for_5_and_50(
    client, organiser, training, pre, post, name
):
    url = reverse(f"assessments:{name}", args=[training.pk])
    client.force_login(organiser)
    _class(training, pre, post, 5)
    client.get(url)  # warm up the session and the permission cache
    small = _count_queries(client, url)

    other = TrainingFactory()
    [make_question(training=other, correct=i % 4) for i in range(5)]
    other_pre, other_post = open_test(other), open_test(other, "post")
    _class(other, other_pre, other_post, 50)
    url = reverse(f"assessments:{name}", args=[other.pk])
    client.get(url)

    assert _count_queries(client, url) == small


def test_the_results_page_shows_the_class_and_each_person(client, organiser, training, pre, post):
    first, second = EnrolmentFactory(training=training), EnrolmentFactory(training=training)
    take_test(pre, first, right=2)  # 40
    take_test(post, first, right=5)  # 100: N-gain 1
    take_test(pre, second, right=5)  # 100: N-gain undefined
    client.force_login(organiser)

    response = client.get(reverse("assessments:results", args=[training.pk]))

    content = response.content.decode()
    rows = {p.enrolment: p for p in response.context["results"].participants}
    assert (rows[first].person.gain, rows[first].person.n_gain) == (60, 1)
    assert rows[second].person.n_gain is None
    assert '<td class="num">1,00</td>' in content  # N-gain, Indonesian decimal comma
    assert "Tinggi" in content
    assert "Belum mengerjakan" in content and second.employee.full_name in content


def test_the_xlsx_holds_participants_summary_units_and_questions(
    client, organiser, training, pre, post, bank
):
    enrolment = EnrolmentFactory(
        training=training,
        employee=EmployeeFactory(name="Ani", unit=UnitFactory(name="Dinas Sosial")),
    )
    take_test(pre, enrolment, right=2)
    take_test(post, enrolment, right=4)
    client.force_login(organiser)

    response = client.get(reverse("assessments:results_xlsx", args=[training.pk]))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Peserta", "Ringkasan", "Per OPD", "Butir Soal"]
    people = [[c.value for c in row] for row in workbook["Peserta"].iter_rows()]
    assert people[1][1:] == [
        "Ani",
        enrolment.employee.nip_display,
        "Dinas Sosial",
        "selesai",
        40,
        "selesai",
        80,
        40,
        round(40 / 60, 2),
        "sedang",
    ]
    assert workbook["Butir Soal"].max_row == 6
    assert [c.value for c in workbook["Per OPD"][2]][:2] == ["Dinas Sosial", 1]


def test_the_pdf_summary_says_what_happened(client, organiser, training, pre, post, monkeypatch):
    from core import summary

    monkeypatch.setattr(summary, "_providers", [])  # the test results alone
    for right_pre, right_post in [(1, 4), (2, 5), (3, 3)]:
        enrolment = EnrolmentFactory(training=training)
        take_test(pre, enrolment, right=right_pre)
        take_test(post, enrolment, right=right_post)
    client.force_login(organiser)

    response = client.get(reverse("assessments:results_pdf", args=[training.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert text["pages"] == 1
    body = " ".join(text["text"].split())
    assert "RINGKASAN HASIL PRE-TEST DAN POST-TEST" in body
    assert "Dari 3 peserta, 3 mengikuti pre-test dan 3 mengikuti post-test." in body
    assert "Rata-rata nilai naik dari 40,0 menjadi 80,0" in body  # (20+40+60)/3 → (80+100+60)/3


def _pdf_text(content: bytes) -> dict:
    import pypdfium2

    document = pypdfium2.PdfDocument(content)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    return {"pages": len(document), "text": text}


def test_extra_sections_join_the_pdf(client, organiser, training, pre, settings):
    from core import summary

    # Another app's section, with its template: one kept among the tests' own.
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TESTS_TEMPLATES]}]

    def section(*, training):
        return summary.SummarySection(
            title="Evaluasi penyelenggaraan",
            template_name="summary_section_text.html",
            context={"lines": ["Indeks kepuasan 3,6 dari 4."]},
        )

    summary.register_summary_section(section)
    try:
        client.force_login(organiser)
        response = client.get(reverse("assessments:results_pdf", args=[training.pk]))
    finally:
        summary._providers.remove(section)

    text = _pdf_text(response.content)["text"]
    assert "Evaluasi penyelenggaraan" in text and "Indeks kepuasan 3,6 dari 4." in text


def test_the_index_lists_trainings_with_their_bank(client, organiser, training, bank, pre):
    client.force_login(organiser)

    response = client.get(reverse("assessments:training_index"))

    [row] = response.context["trainings"]
    assert (row.question_count, row.test_count) == (5, 1)
