"""Selectors: results against a hand-worked example, the summary, certificates' questions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trainings.models import Enrolment
from evaluations import selectors, services
from evaluations.selectors import (
    evaluation_required,
    evaluation_results,
    evaluation_summary,
    respondent_enrolment_ids,
    response_rate_text,
)
from tests.evaluations.factories import (
    evaluation_form,
    participant,
    respond,
    training_with_speakers,
)
from tests.factories import TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_example():
    """Three of four enrolled participants answer a small form (see the numbers below).

          Fasilitas Konsumsi | Budi: materi waktu | Siti: materi waktu | Saran
    R1        5        2     |         5      4   |         4      3   | "Konsumsi tepat waktu."
    R2        4        3     |         5      5   |         3      2   | "konsumsi  tepat waktu"
    R3        4        2     |         4      4   |         4      3   | (empty)
    """
    training, speakers = training_with_speakers("Budi", "Siti")
    form = evaluation_form(
        training=training,
        organisation=["Fasilitas", "Konsumsi"],
        speaker=["Penguasaan materi", "Ketepatan waktu"],
        open_questions=["Saran"],
    )
    q = {question.text: question.pk for question in form.questions.all()}
    budi, siti = speakers["Budi"].pk, speakers["Siti"].pk
    enrolments = [participant(training) for _ in range(4)]
    participant(training, status=Enrolment.Status.WAITLISTED)
    rows = [
        ((5, 2), (5, 4), (4, 3), "Konsumsi tepat waktu."),
        ((4, 3), (5, 5), (3, 2), "konsumsi  tepat waktu"),
        ((4, 2), (4, 4), (4, 3), ""),
    ]
    for enrolment, (organisation, budi_values, siti_values, text) in zip(enrolments, rows):
        services.submit_response(
            form=form,
            enrolment=enrolment,
            ratings={
                (q["Fasilitas"], None): organisation[0],
                (q["Konsumsi"], None): organisation[1],
                (q["Penguasaan materi"], budi): budi_values[0],
                (q["Ketepatan waktu"], budi): budi_values[1],
                (q["Penguasaan materi"], siti): siti_values[0],
                (q["Ketepatan waktu"], siti): siti_values[1],
            },
            open_answers={q["Saran"]: text},
        )
    return form, enrolments


def test_results_match_the_hand_worked_example(worked_example):
    form, _enrolments = worked_example

    results = evaluation_results(form=form)

    assert (results.respondents, results.enrolled) == (3, 4)
    assert results.response_rate_text == "3 dari 4 (75%)"
    assert [(a.text, a.counts, a.n, a.mean) for a in results.organisation] == [
        ("Fasilitas", [0, 0, 0, 2, 1], 3, Decimal("4.33")),
        ("Konsumsi", [0, 2, 1, 0, 0], 3, Decimal("2.33")),
    ]
    assert results.organisation_mean == Decimal("3.33")  # 20 / 6
    budi, siti = results.speakers
    assert (budi.name, budi.topics, budi.n, budi.mean) == (
        "Budi, S.Sos., M.Si.",
        ["Materi 1"],
        3,
        Decimal("4.50"),  # 27 / 6
    )
    assert [(a.text, a.counts, a.mean) for a in budi.aspects] == [
        ("Penguasaan materi", [0, 0, 0, 1, 2], Decimal("4.67")),
        ("Ketepatan waktu", [0, 0, 0, 2, 1], Decimal("4.33")),
    ]
    assert (siti.counts, siti.mean) == ([0, 1, 3, 2, 0], Decimal("3.17"))  # 19 / 6
    [suggestions] = results.open_questions
    assert sorted(answer.text for answer in suggestions.answers) == [
        "Konsumsi tepat waktu.",
        "konsumsi  tepat waktu",
    ]
    assert suggestions.top() == [("Konsumsi tepat waktu.", 2)]


def test_the_distribution_bar_covers_the_whole_width(worked_example):
    form, _enrolments = worked_example

    bars = evaluation_results(form=form).organisation[0].bars

    assert [(b["value"], b["x"], b["width"]) for b in bars] == [
        (1, 0, 0),
        (2, 0, 0),
        (3, 0, 0),
        (4, Decimal(0), Decimal("66.67")),
        (5, Decimal("66.67"), Decimal("33.33")),
    ]


def test_the_summary_for_the_pdf(worked_example):
    form, _enrolments = worked_example

    summary = evaluation_summary(training=form.training)

    assert (summary.respondents, summary.enrolled, summary.response_rate) == (
        3,
        4,
        Decimal("0.7500"),
    )
    assert (summary.is_anonymous, summary.scale_max, summary.organisation_mean) == (
        True,
        5,
        Decimal("3.33"),
    )
    assert [(a.text, a.mean, a.n) for a in summary.organisation] == [
        ("Fasilitas", Decimal("4.33"), 3),
        ("Konsumsi", Decimal("2.33"), 3),
    ]
    assert [(s.name, s.mean, s.n) for s in summary.speakers] == [
        ("Budi, S.Sos., M.Si.", Decimal("4.50"), 3),
        ("Siti, S.Sos., M.Si.", Decimal("3.17"), 3),
    ]
    assert [(t.question, t.answers) for t in summary.top_open_answers] == [
        ("Saran", [("Konsumsi tepat waktu.", 2)])
    ]


def test_the_pdf_partial_shows_the_summary(worked_example):
    form, _enrolments = worked_example

    html = render_to_string(
        "evaluations/_summary_pdf.html",
        {"summary": evaluation_summary(training=form.training)},
    )

    assert "Responden: <strong>3 dari 4 (75%)</strong>" in html
    assert '<td>Konsumsi</td><td class="ev-num">2,33</td>' in html
    assert '<td>Budi, S.Sos., M.Si.</td><td class="ev-num">4,50</td>' in html
    assert 'Konsumsi tepat waktu. <span class="ev-count">(2×)</span>' in html
    assert "style=" not in html


def test_the_pdf_partial_is_empty_without_a_form():
    assert render_to_string("evaluations/_summary_pdf.html", {"summary": None}).strip() == ""


def test_a_training_without_a_form_has_no_summary():
    assert evaluation_summary(training=TrainingFactory()) is None


def test_a_form_without_responses_has_an_empty_summary():
    form = evaluation_form()
    participant(form.training)

    summary = evaluation_summary(training=form.training)

    assert (summary.respondents, summary.enrolled, summary.response_rate) == (0, 1, Decimal(0))
    assert [a.mean for a in summary.organisation] == [None] * 7
    assert summary.organisation_mean is None


@pytest.mark.parametrize(
    ("respondents", "enrolled", "text"),
    [
        (41, 55, "41 dari 55 (75%)"),
        (1, 8, "1 dari 8 (13%)"),
        (55, 55, "55 dari 55 (100%)"),
        (0, 0, "0 dari 0"),
    ],
)
def test_the_response_rate_reads_as_organisers_write_it(respondents, enrolled, text):
    assert response_rate_text(respondents, enrolled) == text


def test_a_named_form_lists_open_answers_with_the_respondents_name():
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=False, open_questions=["Saran"])
    enrolment = participant(training)
    enrolment.employee.name = "Siti Rahayu"
    enrolment.employee.save()
    respond(form, enrolment, open_answers={form.questions.get(text="Saran").pk: "Lebih praktik"})

    [question] = evaluation_results(form=form).open_questions
    assert [(a.text, a.respondent) for a in question.answers] == [("Lebih praktik", "Siti Rahayu")]


# Certificates ----------------------------------------------------------------------------------


def test_respondent_enrolment_ids_name_who_responded(worked_example):
    form, enrolments = worked_example

    assert respondent_enrolment_ids(training=form.training) == {e.pk for e in enrolments[:3]}
    assert respondent_enrolment_ids(training=TrainingFactory()) == set()


def test_evaluation_is_required_only_when_the_form_says_so():
    form = evaluation_form()
    without_form = TrainingFactory()

    assert evaluation_required(training=form.training) is False
    services.update_evaluation_form(form=form, required_for_certificate=True)
    assert evaluation_required(training=form.training) is True
    assert evaluation_required(training=without_form) is False


# The participant and speakers ------------------------------------------------------------------


def test_speakers_are_listed_once_in_the_order_they_first_speak():
    training, _speakers = training_with_speakers(
        "Andi", "Budi", "Citra", sessions=[["Citra"], ["Andi", "Citra"], ["Budi"]]
    )

    speakers = selectors.speakers_of_training(training=training)

    assert [(s.name, s.topics) for s in speakers] == [
        ("Citra", ["Materi 1", "Materi 2"]),
        ("Andi", ["Materi 2"]),
        ("Budi", ["Materi 3"]),
    ]


def test_a_participant_sees_open_forms_first_and_which_they_filled_in():
    now = timezone.now()
    day = datetime.timedelta(days=1)
    answered, _s = training_with_speakers("A", code="T-ANSWERED")
    open_one, _s = training_with_speakers("B", code="T-OPEN")
    upcoming, _s = training_with_speakers("C", code="T-LATER")
    closed, _s = training_with_speakers("D", code="T-CLOSED")
    forms = {
        "answered": evaluation_form(training=answered),
        "open": evaluation_form(training=open_one),
        "upcoming": evaluation_form(training=upcoming, window=(now + day, now + 2 * day)),
        "closed": evaluation_form(training=closed, window=(now - 2 * day, now - day)),
    }
    enrolment = participant(answered)
    user = enrolment.employee.user
    for training in (open_one, upcoming, closed):
        Enrolment.objects.create(
            training=training,
            employee=enrolment.employee,
            status="enrolled",
            enrolled_at=now,
            badge_token=f"tok-{training.code}",
        )
    respond(forms["answered"], enrolment)

    items = selectors.evaluations_of_participant(user=user, now=now)

    assert items[0].training == open_one and items[0].can_respond
    assert {(i.training.code, i.state, i.responded) for i in items} == {
        ("T-ANSWERED", "open", True),
        ("T-OPEN", "open", False),
        ("T-LATER", "upcoming", False),
        ("T-CLOSED", "closed", False),
    }


def test_the_summary_takes_the_same_queries_for_1_and_3_respondents():
    counts = []
    for respondents in (1, 3):
        training, _speakers = training_with_speakers(*[f"N{respondents}{n}" for n in range(2)])
        form = evaluation_form(training=training)
        for _ in range(respondents):
            respond(
                form,
                participant(training),
                open_answers={form.questions.filter(section="open").first().pk: "Saran"},
            )
        with CaptureQueriesContext(connection) as captured:
            evaluation_summary(training=training)
        counts.append(len(captured))

    assert counts[0] == counts[1] == 8


def test_the_tests_summary_gets_the_evaluation_as_a_section(worked_example):
    summary_module = pytest.importorskip("core.summary")
    from evaluations.apps import summary_section

    form, _enrolments = worked_example
    section = summary_section(training=form.training)
    html = render_to_string(section.template_name, {"section": section})

    assert summary_section in summary_module._providers
    assert section.title == "Evaluasi pelatihan"
    assert "Evaluasi pelatihan" not in html  # the summary prints the title itself
    assert "3 dari 4 (75%)" in html
    assert summary_section(training=TrainingFactory()) is None
