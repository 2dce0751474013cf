"""Demo data: the 2022 training's anonymous evaluation, realistic, deterministic, idempotent."""

import datetime
from collections import Counter

import pytest

from bimtek.management.commands.seed_demo import seed_demo
from evaluations.demo import demo_training, seed_demo_evaluation
from evaluations.models import Answer, EvaluationForm, Receipt, Response
from evaluations.selectors import evaluation_results
from tests.evaluations.factories import training_with_speakers
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def _tallies(form):
    return Counter(
        Answer.objects.filter(response__form=form).values_list(
            "question__text", "speaker__name", "value", "text"
        )
    )


@pytest.fixture
def seeded():
    """The 2022 training as the trainings demo makes it: 55 enrolled, five speakers."""
    training, _speakers = training_with_speakers(
        "Joko",
        "Siti",
        "Agus",
        "Sri",
        "Yulius",
        sessions=[["Joko"], ["Siti"], ["Agus"], ["Agus"], ["Siti"], ["Sri"], ["Yulius"]],
        code="BIMTEK-PP-2022",
        start_date=datetime.date(2022, 9, 13),
        end_date=datetime.date(2022, 9, 15),
        status="finished",
    )
    EnrolmentFactory.create_batch(55, training=training)
    return seed_demo_evaluation(training=demo_training())


def test_the_2022_training_gets_an_anonymous_evaluation_with_about_50_of_55(seeded):
    results = evaluation_results(form=seeded)

    assert seeded.training.code == "BIMTEK-PP-2022"
    assert seeded.is_anonymous is True
    assert results.enrolled == 55
    assert results.respondents == 50
    assert results.response_rate_text == "50 dari 55 (91%)"
    assert Receipt.objects.filter(form=seeded, response__isnull=False).count() == 0


def test_the_answers_are_mostly_good_with_meals_rated_lowest(seeded):
    results = evaluation_results(form=seeded)

    means = {aspect.text: aspect.mean for aspect in results.organisation}
    assert min(means, key=means.get) == "Konsumsi"
    assert means["Konsumsi"] < 3.6
    assert all(mean >= 3.8 for text, mean in means.items() if text != "Konsumsi")
    assert results.speakers and all(speaker.mean >= 3.7 for speaker in results.speakers)
    all_values = Counter(
        Answer.objects.filter(response__form=seeded, value__isnull=False).values_list(
            "value", flat=True
        )
    )
    assert (all_values[4] + all_values[5]) / all_values.total() > 0.75
    open_answers = [a.text for q in results.open_questions for a in q.answers]
    assert 10 <= len(open_answers) <= 90
    assert any("Konsumsi" in text for text in open_answers)


def test_seeding_again_changes_nothing(seeded):
    before = (_tallies(seeded), Receipt.objects.count(), Response.objects.count())

    seed_demo_evaluation(training=seeded.training)

    assert (_tallies(seeded), Receipt.objects.count(), Response.objects.count()) == before


def test_the_answers_are_the_same_each_time(seeded):
    before = _tallies(seeded)
    training = seeded.training
    Answer.objects.filter(response__form=seeded).delete()
    Receipt.objects.filter(form=seeded).delete()
    Response.objects.filter(form=seeded).delete()

    seed_demo_evaluation(training=training)

    assert _tallies(seeded) == before


def test_without_the_training_the_demo_does_nothing():
    assert demo_training() is None

    assert seed_demo_evaluation(training=demo_training()) is None
    assert not EvaluationForm.objects.exists()


def test_seed_demo_gives_the_2022_training_its_evaluation():
    seed_demo()

    form = EvaluationForm.objects.get(training__code="BIMTEK-PP-2022")
    assert form.is_anonymous is True
    assert form.receipts.count() == 50
