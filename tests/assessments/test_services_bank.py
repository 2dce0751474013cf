"""The question bank: questions by hand, key changes, copies and imports; the tests' settings."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Assessment, Attempt, Option, Question
from assessments.question_files import QuestionFileError
from assessments.services import (
    configure_assessment,
    copy_question_bank,
    create_question,
    delete_question,
    import_questions,
    release_results,
    save_answer,
    start_attempt,
    submit_attempt,
    update_question,
    withdraw_results,
)
from tests.factories import EnrolmentFactory, SessionFactory, TrainingFactory

from .factories import at, make_question

pytestmark = pytest.mark.django_db


def _options(question):
    return [(o.letter, o.text, o.is_correct) for o in question.options.order_by("position")]


# Questions by hand ------------------------------------------------------------------------------


def test_create_question_tidies_and_numbers(training):
    session = SessionFactory(training=training, topic="Budaya 5S")
    make_question(training=training, position=7)

    question = create_question(
        training=training,
        text="  Apa arti 5S?  ",
        options=["Senyum…", " Salam ", "", ""],
        correct=1,
        topic=session,
        explanation="Lihat modul.",
    )

    assert (question.text, question.position, question.topic) == ("Apa arti 5S?", 8, session)
    assert _options(question) == [("A", "Senyum…", False), ("B", "Salam", True)]


@pytest.mark.parametrize(
    ("options", "correct", "field", "code"),
    [
        (["Satu"], 0, "options", "option_count"),
        (["A", "B", "C", "D", "E", "F", "G"], 0, "options", "option_count"),
        (["Satu", "", "Tiga"], 0, "options", "option_gap"),
        (["Sama", "sama"], 0, "options", "option_duplicate"),
        (["Satu", "Dua"], 2, "correct", "key"),
    ],
)
def test_create_question_refuses_what_is_not_a_question(training, options, correct, field, code):
    with pytest.raises(ValidationError) as error:
        create_question(training=training, text="Soal?", options=options, correct=correct)

    assert [e.code for e in error.value.error_dict[field]] == [code]
    assert not Question.objects.exists()


def test_the_topic_must_be_a_session_of_the_training(training):
    with pytest.raises(ValidationError) as error:
        create_question(
            training=training,
            text="Soal?",
            options=["a", "b"],
            correct=0,
            topic=SessionFactory(),
        )

    assert error.value.error_dict["topic"][0].code == "topic"


def test_update_question_changes_text_options_and_key(training):
    question = make_question(training=training, correct=0, options=4)

    update_question(
        question=question, text="Baru?", options=["w", "x", "y"], correct=2, explanation="E"
    )

    question.refresh_from_db()
    assert (question.text, question.explanation) == ("Baru?", "E")
    assert _options(question) == [("A", "w", False), ("B", "x", False), ("C", "y", True)]


def _taken(training, question, *, choose: int, kind="pre"):
    """Have a new participant answer the only question with option `choose` and submit."""
    test = Assessment.objects.filter(training=training, kind=kind).first() or configure_assessment(
        training=training, kind=kind, opens_at=at(7, 8), closes_at=at(7, 9), time_limit_minutes=20
    )
    attempt = start_attempt(
        assessment=test, enrolment=EnrolmentFactory(training=training), now=at(7, 8, 1)
    )
    option = question.options.get(position=choose)
    save_answer(attempt=attempt, question_id=question.pk, option_id=option.pk, now=at(7, 8, 2))
    return submit_attempt(attempt=attempt, now=at(7, 8, 3))


def test_a_changed_key_rescores_the_submitted_attempts(training):
    question = make_question(training=training, correct=0)
    chose_a = _taken(training, question, choose=0)
    chose_b = _taken(training, question, choose=1)
    assert (chose_a.score, chose_b.score) == (Decimal("100.00"), Decimal("0.00"))

    update_question(
        question=question,
        text=question.text,
        options=[o.text for o in question.options.order_by("position")],
        correct=1,
    )

    chose_a.refresh_from_db()
    chose_b.refresh_from_db()
    assert (chose_a.score, chose_b.score) == (Decimal("0.00"), Decimal("100.00"))
    assert Option.objects.filter(question=question, is_correct=True).count() == 1


def test_a_chosen_option_cannot_be_removed(training):
    question = make_question(training=training, correct=0, options=4)
    _taken(training, question, choose=3)

    with pytest.raises(ValidationError) as error:
        update_question(question=question, text="Q", options=["a", "b", "c"], correct=0)

    assert error.value.error_dict["options"][0].code == "option_in_use"
    assert question.options.count() == 4


def test_an_unchosen_option_can_be_removed_from_an_answered_question(training):
    question = make_question(training=training, correct=0, options=4)
    _taken(training, question, choose=0)

    update_question(question=question, text="Q", options=["a", "b", "c"], correct=0)

    assert question.options.count() == 3


def test_delete_question_only_while_nobody_has_seen_it(training):
    unused, used = make_question(training=training), make_question(training=training)
    test = configure_assessment(
        training=training,
        kind="pre",
        opens_at=at(7, 8),
        closes_at=at(7, 9),
        time_limit_minutes=5,
        all_questions=False,
        questions=[used],
    )
    start_attempt(assessment=test, enrolment=EnrolmentFactory(training=training), now=at(7, 8, 1))

    delete_question(question=unused)
    with pytest.raises(ValidationError) as error:
        delete_question(question=used)

    assert error.value.code == "question_in_use"
    assert list(Question.objects.all()) == [used]


# Copying a bank ---------------------------------------------------------------------------------


def test_copy_question_bank_into_the_next_batch(training):
    session = SessionFactory(training=training, topic="Standar Pelayanan")
    first = make_question(training=training, correct=2, topic=session, text="Soal satu?")
    make_question(training=training, correct=1, text="Soal dua?")
    target = TrainingFactory(batch=2)
    target_session = SessionFactory(training=target, topic="standar pelayanan")
    make_question(training=target, text="soal  SATU?")  # already there, in other spacing/case

    copied = copy_question_bank(source=training, target=target)
    again = copy_question_bank(source=training, target=target)

    assert (copied, again) == (1, 0)
    two = Question.objects.get(training=target, text="Soal dua?")
    assert _options(two) == _options(Question.objects.get(training=training, text="Soal dua?"))
    assert Question.objects.filter(training=target).count() == 2
    assert first.topic == session and target_session.questions.count() == 0


def test_topics_follow_by_the_sessions_name(training):
    session = SessionFactory(training=training, topic="Budaya 5S")
    make_question(training=training, topic=session)
    target = TrainingFactory()
    target_session = SessionFactory(training=target, topic="BUDAYA 5S")

    copy_question_bank(source=training, target=target)

    assert Question.objects.get(training=target).topic == target_session


def test_a_bank_is_not_copied_onto_itself(training):
    with pytest.raises(ValidationError) as error:
        copy_question_bank(source=training, target=training)

    assert error.value.code == "same_training"


# Imports ----------------------------------------------------------------------------------------


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_import_a_csv_with_topics(training):
    SessionFactory(training=training, topic="Budaya 5S")
    data = _csv(
        "Pertanyaan;A;B;C;D;E;Kunci;Topik\n"
        "Apa S pertama dalam 5S?;Senyum;Sapa;Santun;Salam;;a;budaya 5s\n"
        "SKM diatur dalam?;PermenPANRB 14/2017;UU 25/2009;;;;B;\n"
    )

    result = import_questions(training=training, file=data, filename="soal.csv")

    assert (result.ok, result.created, result.skipped) == (True, 2, 0)
    first, second = Question.objects.filter(training=training).order_by("position")
    assert first.topic.topic == "Budaya 5S"
    assert _options(first)[0] == ("A", "Senyum", True)
    assert _options(second) == [("A", "PermenPANRB 14/2017", False), ("B", "UU 25/2009", True)]


def test_an_import_with_problems_saves_nothing_and_names_the_rows(training):
    data = _csv(
        "Pertanyaan;A;B;C;D;E;Kunci;Topik\n"
        "Baik?;Ya;Tidak;;;;A;\n"
        ";Ya;Tidak;;;;A;\n"
        "Kunci salah?;Ya;Tidak;;;;C;\n"
        "Topik asing?;Ya;Tidak;;;;B;Materi Lain\n"
    )

    result = import_questions(training=training, file=data, filename="soal.csv")

    assert [(e.number, e.message) for e in result.errors] == [
        (3, "Pertanyaan kosong."),
        (4, "Kuncinya C, tetapi pilihan C kosong."),
        (5, "Topik Materi Lain bukan sesi pelatihan ini."),
    ]
    assert result.created == 0
    assert not Question.objects.exists()


def test_importing_the_same_file_twice_skips_what_is_there(training):
    text = "Pertanyaan,A,B,Kunci\nSatu?,x,y,A\n"
    import_questions(training=training, file=_csv(text), filename="a.csv")

    result = import_questions(training=training, file=_csv(text), filename="a.csv")

    assert (result.created, result.skipped) == (0, 1)
    assert Question.objects.count() == 1


def test_import_aiken(training):
    data = _csv(
        "Apa itu SKM?\nA. Survei\nB) Standar\nANSWER: A\n\nDua?\nA. x\nB. y\nC. z\nANSWER: C\n"
    )

    result = import_questions(training=training, file=data, filename="moodle.txt")

    assert (result.ok, result.created, result.kind) == (True, 2, "aiken")


def test_an_unreadable_file_raises(training):
    with pytest.raises(QuestionFileError) as error:
        import_questions(training=training, file=_csv("x"), filename="soal.pdf")

    assert error.value.code == "file_type"


# Settings and release ---------------------------------------------------------------------------


def test_configure_creates_then_updates_one_test_per_kind(training, bank):
    created = configure_assessment(
        training=training,
        kind="post",
        opens_at=at(8, 14),
        closes_at=at(8, 15),
        time_limit_minutes=20,
        pass_mark=Decimal(70),
    )
    updated = configure_assessment(
        training=training,
        kind="post",
        opens_at=at(8, 14),
        closes_at=at(8, 16),
        time_limit_minutes=25,
    )

    assert updated.pk == created.pk
    assert (updated.closes_at, updated.time_limit_minutes, updated.pass_mark) == (
        at(8, 16),
        25,
        None,
    )


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"closes_at": at(7, 8)}, "closes_at", "window"),
        ({"time_limit_minutes": 0}, "time_limit_minutes", "time_limit"),
        ({"all_questions": False}, "questions", "no_questions"),
        ({"pass_mark": Decimal(70)}, "pass_mark", "pass_mark_pre"),
    ],
)
def test_configure_refuses_settings_that_make_no_sense(training, bank, changes, field, code):
    values = {"opens_at": at(7, 8), "closes_at": at(7, 9), "time_limit_minutes": 20, **changes}

    with pytest.raises(ValidationError) as error:
        configure_assessment(training=training, kind="pre", **values)

    assert [e.code for e in error.value.error_dict[field]] == [code]
    assert not Assessment.objects.exists()


def test_questions_of_another_training_cannot_be_chosen(training):
    with pytest.raises(ValidationError) as error:
        configure_assessment(
            training=training,
            kind="pre",
            opens_at=at(7, 8),
            closes_at=at(7, 9),
            time_limit_minutes=20,
            all_questions=False,
            questions=[make_question(training=TrainingFactory())],
        )

    assert error.value.error_dict["questions"][0].code == "foreign_question"


def test_the_questions_are_fixed_once_somebody_started(training, bank):
    values = {"opens_at": at(7, 8), "closes_at": at(7, 9), "time_limit_minutes": 20}
    test = configure_assessment(training=training, kind="pre", **values)
    start_attempt(assessment=test, enrolment=EnrolmentFactory(training=training), now=at(7, 8, 5))

    with pytest.raises(ValidationError) as error:
        configure_assessment(
            training=training, kind="pre", **values, all_questions=False, questions=bank[:2]
        )
    extended = configure_assessment(
        training=training, kind="pre", **{**values, "closes_at": at(7, 10)}
    )

    assert error.value.error_dict["questions"][0].code == "test_started"
    assert extended.closes_at == at(7, 10)


def test_release_and_withdraw_results(pre):
    released = release_results(assessment=pre, now=at(7, 12))
    again = release_results(assessment=pre, now=at(7, 13))
    assert released.results_released_at == again.results_released_at == at(7, 12)

    assert withdraw_results(assessment=pre).results_released_at is None


def test_attempts_are_protected_records(training, bank):
    test = configure_assessment(
        training=training, kind="pre", opens_at=at(7, 8), closes_at=at(7, 9), time_limit_minutes=20
    )
    start_attempt(assessment=test, enrolment=EnrolmentFactory(training=training), now=at(7, 8, 5))

    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        test.delete()
    assert Attempt.objects.count() == 1


def test_an_aiken_import_with_a_stray_option_saves_nothing_and_names_its_line(training):
    data = _csv("Satu?\nA)x\nB)y\nANSWER:A\nC) z\nDua?\nA)p\nB)q\nANSWER:B\n")

    result = import_questions(training=training, file=data, filename="moodle.txt")

    assert (result.ok, result.created, result.kind) == (False, 0, "aiken")
    assert [error.number for error in result.errors] == [5]
    assert not Question.objects.exists()
