"""Services: creating and changing a form, submitting a response; one test per way out."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from trainings.models import Enrolment
from evaluations import defaults, services
from evaluations.models import Answer, EvaluationForm, Question, Receipt, Response
from evaluations.selectors import questions_by_section
from tests.evaluations.factories import (
    evaluation_form,
    full_ratings,
    participant,
    respond,
    training_with_speakers,
)
from tests.factories import TrainingFactory, organiser_user

pytestmark = pytest.mark.django_db


def _code(excinfo) -> str:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return min(e.code for errors in error.error_dict.values() for e in errors)
    return error.code


def _texts(form, section):
    return [q.text for q in questions_by_section(form=form)[section]]


# create_evaluation_form ------------------------------------------------------------------------


def test_a_new_form_has_the_default_indonesian_questions_scale_and_window():
    training = TrainingFactory(
        start_date=datetime.date(2022, 9, 12), end_date=datetime.date(2022, 9, 14)
    )
    organiser = organiser_user()

    form = services.create_evaluation_form(training=training, created_by=organiser)

    assert _texts(form, "organisation") == [
        "Fasilitas dan sarana pelatihan",
        "Ketepatan waktu pelaksanaan sesuai jadwal",
        "Kebersihan dan kenyamanan ruangan",
        "Kelengkapan dan kualitas bahan ajar",
        "Pelayanan panitia",
        "Konsumsi",
        "Administrasi penyelenggaraan",
    ]
    assert _texts(form, "speaker") == [
        "Penguasaan materi",
        "Ketepatan waktu",
        "Sistematika penyajian",
        "Metode dan media pembelajaran",
        "Sikap dan perilaku",
        "Cara menjawab pertanyaan",
        "Penggunaan bahasa",
        "Kemampuan memotivasi peserta",
        "Kerapian dan penampilan",
    ]
    assert _texts(form, "open") == [
        "Saran untuk perbaikan penyelenggaraan pelatihan",
        "Materi yang paling bermanfaat bagi pekerjaan Anda",
        "Pelatihan yang Anda harapkan berikutnya",
    ]
    assert (form.scale_max, form.scale_labels) == (
        5,
        ["Sangat kurang", "Kurang", "Cukup", "Baik", "Sangat baik"],
    )
    assert (form.is_anonymous, form.required_for_certificate, form.created_by) == (
        True,
        False,
        organiser,
    )
    local = timezone.get_default_timezone()
    assert form.opens_at.astimezone(local).replace(tzinfo=None) == datetime.datetime(2022, 9, 14)
    assert form.closes_at.astimezone(local).replace(tzinfo=None) == datetime.datetime(2022, 9, 22)


def test_a_form_on_the_four_point_scale_gets_four_labels():
    form = services.create_evaluation_form(training=TrainingFactory(), scale_max=4)

    assert form.scale_labels == ["Sangat kurang", "Kurang", "Baik", "Sangat baik"]


def test_a_training_gets_one_form_only():
    training = TrainingFactory()
    services.create_evaluation_form(training=training)

    with pytest.raises(ValidationError) as excinfo:
        services.create_evaluation_form(training=training)

    assert _code(excinfo) == "form_exists"
    assert EvaluationForm.objects.filter(training=training).count() == 1


def test_a_form_cannot_have_a_scale_other_than_four_or_five():
    with pytest.raises(ValidationError) as excinfo:
        services.create_evaluation_form(training=TrainingFactory(), scale_max=7)

    assert _code(excinfo) == "scale_invalid"


def test_the_default_texts_are_copied_not_shared(monkeypatch):
    form = services.create_evaluation_form(training=TrainingFactory())
    monkeypatch.setattr(defaults, "ORGANISATION_ASPECTS", ["Lain"])

    assert len(_texts(form, "organisation")) == 7


# update_evaluation_form ------------------------------------------------------------------------


def test_the_organiser_edits_questions_scale_and_window_before_anyone_responds():
    form = evaluation_form()
    opens = timezone.now() + datetime.timedelta(days=1)

    form = services.update_evaluation_form(
        form=form,
        is_anonymous=False,
        scale_max=4,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=3),
        required_for_certificate=True,
        organisation_aspects=["Fasilitas", "  Konsumsi  dan  minuman ", ""],
        speaker_aspects=["Penguasaan materi"],
        open_questions=[],
    )

    form.refresh_from_db()
    assert (form.is_anonymous, form.scale_max, form.required_for_certificate) == (False, 4, True)
    assert form.scale_labels == ["Sangat kurang", "Kurang", "Baik", "Sangat baik"]
    assert form.opens_at == opens
    assert _texts(form, "organisation") == ["Fasilitas", "Konsumsi dan minuman"]
    assert _texts(form, "speaker") == ["Penguasaan materi"]
    assert _texts(form, "open") == []


def test_the_organiser_may_name_their_own_scale_labels():
    form = services.update_evaluation_form(
        form=evaluation_form(), scale_labels=["Buruk", "Kurang", "Cukup", "Baik", "Istimewa"]
    )

    assert form.scale_labels == ["Buruk", "Kurang", "Cukup", "Baik", "Istimewa"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"scale_labels": ["Buruk", "Baik"]}, "labels_invalid"),
        ({"scale_labels": ["A", "B", "", "D", "E"]}, "labels_invalid"),
        ({"scale_max": 3}, "scale_invalid"),
        ({"organisation_aspects": ["Konsumsi", "konsumsi"]}, "duplicate_question"),
        ({"speaker_aspects": ["x" * 301]}, "question_too_long"),
        ({"open_questions": [f"Pertanyaan {n}" for n in range(31)]}, "too_many_questions"),
        ({"organisation_aspects": [], "speaker_aspects": []}, "no_questions"),
    ],
    ids=["labels-count", "label-empty", "scale", "duplicate", "too-long", "too-many", "none"],
)
def test_invalid_settings_are_refused_and_nothing_changes(changes, code):
    form = evaluation_form()
    before = (_texts(form, "organisation"), form.scale_labels)

    with pytest.raises(ValidationError) as excinfo:
        services.update_evaluation_form(form=form, **changes)

    form.refresh_from_db()
    assert _code(excinfo) == code
    assert (_texts(form, "organisation"), form.scale_labels) == before


def test_the_form_must_close_after_it_opens():
    form = evaluation_form()
    now = timezone.now()

    with pytest.raises(ValidationError) as excinfo:
        services.update_evaluation_form(form=form, opens_at=now, closes_at=now)

    assert _code(excinfo) == "window_invalid"


@pytest.fixture
def answered_form():
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=True)
    respond(form, participant(training))
    return form


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"is_anonymous": False}, "is_anonymous", "anonymity_locked"),
        ({"scale_max": 4}, "scale_max", "scale_locked"),
        ({"scale_labels": ["A", "B", "C", "D", "E"]}, "scale_labels", "scale_locked"),
        ({"organisation_aspects": ["Fasilitas"]}, "organisation_aspects", "questions_locked"),
        ({"speaker_aspects": ["Penguasaan materi"]}, "speaker_aspects", "questions_locked"),
        ({"open_questions": []}, "open_questions", "questions_locked"),
    ],
    ids=["anonymity", "scale", "labels", "organisation", "speaker", "open"],
)
def test_once_someone_responded_anonymity_scale_and_questions_are_fixed(
    answered_form, changes, field, code
):
    with pytest.raises(ValidationError) as excinfo:
        services.update_evaluation_form(form=answered_form, **changes)

    assert [e.code for e in excinfo.value.error_dict[field]] == [code]
    answered_form.refresh_from_db()
    assert answered_form.is_anonymous is True and answered_form.scale_max == 5


def test_once_someone_responded_the_window_and_certificate_rule_still_change(answered_form):
    closes = answered_form.closes_at + datetime.timedelta(days=3)
    texts = _texts(answered_form, "organisation")

    form = services.update_evaluation_form(
        form=answered_form,
        closes_at=closes,
        required_for_certificate=True,
        is_anonymous=True,
        scale_max=5,
        organisation_aspects=texts,  # unchanged texts are not a change
    )

    assert (form.closes_at, form.required_for_certificate) == (closes, True)


# submit_response -------------------------------------------------------------------------------


@pytest.fixture
def setting():
    training, speakers = training_with_speakers("Budi", "Siti")
    form = evaluation_form(training=training)
    return form, participant(training), speakers


def test_a_complete_response_stores_every_answer_once(setting):
    form, enrolment, _speakers = setting
    sections = questions_by_section(form=form)
    suggestion = sections["open"][0]

    receipt = services.submit_response(
        form=form,
        enrolment=enrolment,
        ratings=full_ratings(form, 5),
        open_answers={suggestion.pk: "  Konsumsi tepat waktu.  ", sections["open"][1].pk: ""},
    )

    assert receipt.enrolment == enrolment
    answers = Answer.objects.filter(response__form=form)
    assert answers.filter(value=5).count() == 7 + 2 * 9
    assert list(answers.filter(value__isnull=True).values_list("question", "text")) == [
        (suggestion.pk, "Konsumsi tepat waktu.")
    ]
    assert set(answers.exclude(speaker=None).values_list("speaker__name", flat=True)) == {
        "Budi",
        "Siti",
    }


def test_a_speaker_of_several_sessions_is_rated_once():
    training, speakers = training_with_speakers(
        "Budi", "Siti", sessions=[["Budi"], ["Siti", "Budi"], ["Budi"]]
    )
    form = evaluation_form(training=training)

    respond(form, participant(training))

    assert Answer.objects.filter(speaker=speakers["Budi"]).count() == 9


def test_a_second_response_of_the_same_person_is_refused(setting):
    form, enrolment, _speakers = setting
    respond(form, enrolment, 5)

    with pytest.raises(ValidationError) as excinfo:
        respond(form, enrolment, 1)

    assert _code(excinfo) == "already_responded"
    assert Response.objects.count() == Receipt.objects.count() == 1
    assert not Answer.objects.filter(value=1).exists()


def test_the_database_itself_holds_one_receipt_per_person(setting):
    form, enrolment, _speakers = setting
    respond(form, enrolment)

    with pytest.raises(IntegrityError):
        Receipt.objects.create(
            form=form, enrolment=enrolment, anonymous=True, submitted_at=timezone.now()
        )


@pytest.mark.parametrize(
    "status", [Enrolment.Status.WAITLISTED, Enrolment.Status.CANCELLED], ids=str
)
def test_only_enrolled_participants_may_respond(setting, status):
    form, _enrolment, _speakers = setting
    outsider = participant(form.training, status=status)

    with pytest.raises(ValidationError) as excinfo:
        respond(form, outsider)

    assert _code(excinfo) == "not_enrolled"


def test_a_participant_of_another_training_may_not_respond(setting):
    form, _enrolment, _speakers = setting
    elsewhere = participant(TrainingFactory())

    with pytest.raises(ValidationError) as excinfo:
        respond(form, elsewhere)

    assert _code(excinfo) == "not_enrolled"


@pytest.mark.parametrize(
    ("moment", "code"),
    [("before", "not_open"), ("at_close", "closed"), ("after", "closed")],
)
def test_responses_are_taken_only_while_the_form_is_open(setting, moment, code):
    form, enrolment, _speakers = setting
    now = {
        "before": form.opens_at - datetime.timedelta(seconds=1),
        "at_close": form.closes_at,
        "after": form.closes_at + datetime.timedelta(days=1),
    }[moment]

    with pytest.raises(ValidationError) as excinfo:
        services.submit_response(
            form=form, enrolment=enrolment, ratings=full_ratings(form), now=now
        )

    assert _code(excinfo) == code
    assert not Receipt.objects.exists()


def test_the_first_moment_of_the_window_is_open(setting):
    form, enrolment, _speakers = setting

    services.submit_response(
        form=form, enrolment=enrolment, ratings=full_ratings(form), now=form.opens_at
    )

    assert Receipt.objects.count() == 1


def test_a_response_missing_answers_is_refused_and_says_which(setting):
    form, enrolment, speakers = setting
    ratings = full_ratings(form)
    meals = form.questions.get(text="Konsumsi")
    punctuality = form.questions.get(section="speaker", text="Ketepatan waktu")
    del ratings[(meals.pk, None)]
    ratings[(punctuality.pk, speakers["Siti"].pk)] = None

    with pytest.raises(ValidationError) as excinfo:
        services.submit_response(form=form, enrolment=enrolment, ratings=ratings)

    assert _code(excinfo) == "incomplete"
    assert excinfo.value.params["missing"] == [
        (meals.pk, None),
        (punctuality.pk, speakers["Siti"].pk),
    ]
    assert not Response.objects.exists()


@pytest.mark.parametrize("value", [0, 6, "5", True], ids=["zero", "six", "text", "bool"])
def test_values_off_the_scale_are_refused(setting, value):
    form, enrolment, _speakers = setting
    ratings = full_ratings(form)
    ratings[next(iter(ratings))] = value

    with pytest.raises(ValidationError) as excinfo:
        services.submit_response(form=form, enrolment=enrolment, ratings=ratings)

    assert _code(excinfo) == "invalid_value"


def test_five_is_off_a_four_point_scale():
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, scale_max=4)

    with pytest.raises(ValidationError) as excinfo:
        respond(form, participant(training), 5)

    assert _code(excinfo) == "invalid_value"


@pytest.mark.parametrize("where", ["rating", "open"])
def test_answers_to_questions_not_on_the_form_are_refused(setting, where):
    form, enrolment, _speakers = setting
    other = evaluation_form()
    ratings, open_answers = full_ratings(form), {}
    if where == "rating":
        ratings[(other.questions.filter(section="organisation").first().pk, None)] = 4
    else:
        open_answers[other.questions.filter(section="open").first().pk] = "Saran"

    with pytest.raises(ValidationError) as excinfo:
        services.submit_response(
            form=form, enrolment=enrolment, ratings=ratings, open_answers=open_answers
        )

    assert _code(excinfo) == "unknown_question"


def test_an_overlong_open_answer_is_refused(setting):
    form, enrolment, _speakers = setting
    question = form.questions.filter(section=Question.Section.OPEN).first()

    with pytest.raises(ValidationError) as excinfo:
        services.submit_response(
            form=form,
            enrolment=enrolment,
            ratings=full_ratings(form),
            open_answers={question.pk: "x" * 2001},
        )

    assert _code(excinfo) == "answer_too_long"


def test_a_training_without_speakers_asks_only_about_the_organisation():
    form = evaluation_form()
    enrolment = participant(form.training)

    respond(form, enrolment)

    assert Answer.objects.filter(speaker__isnull=False).count() == 0
    assert Answer.objects.count() == 7
