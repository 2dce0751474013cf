"""The demo tests of BIMTEK-PP-2022: realistic, deterministic, idempotent, with two flagged items."""

import pytest

from assessments.analysis import ItemFlag
from assessments.demo import demo_training, seed_demo_tests
from assessments.models import Answer, Assessment, Attempt, Option, Question
from assessments.selectors import post_test_status, results_for_training
from core.demo import fixtures_dir
from participants.demo import ensure_accounts, load_staff, load_units
from trainings.demo import TRAININGS_FILE, load_demo_trainings

pytestmark = pytest.mark.django_db


def _snapshot(training):
    attempts = Attempt.objects.filter(assessment__training=training).order_by(
        "enrolment__employee__nip", "assessment__kind"
    )
    return [
        (a.enrolment.employee.nip, a.assessment.kind, a.score, a.submitted_at, a.submitted_how)
        for a in attempts.select_related("enrolment__employee", "assessment")
    ]


def test_the_demo_training_gets_its_tests():
    assert seed_demo_tests(training=None) == []
    directory = fixtures_dir()
    load_units(directory / "units.csv")
    load_staff(directory / "demo_staff.csv")
    ensure_accounts(directory / "demo_accounts.json")
    load_demo_trainings(directory / TRAININGS_FILE)
    training = demo_training()

    created = seed_demo_tests(training=training)

    # A 20-question bank on the topics of the sessions, and both tests with released results.
    assert [a.kind for a in created] == ["pre", "post"]
    assert Question.objects.filter(training=training).count() == 20
    assert Question.objects.filter(training=training, topic__isnull=True).count() == 0
    assert all(a.results_released_at for a in created)
    results = results_for_training(training=training)
    summary = results.summary
    assert summary.pre.count >= 50 and summary.post.count >= 50
    assert 40 <= summary.pre.mean <= 55
    assert 70 <= summary.post.mean <= 85
    assert summary.improved_share > 0.85
    assert all(count >= 5 for count in summary.categories.values())  # a spread of gains
    flagged = {item.question.text[:26]: item.result.flags for item in results.flagged_items}
    assert flagged == {
        "Budaya pelayanan 5S terdir": [ItemFlag.KNOWN],
        "Survei Kepuasan Masyarakat": [ItemFlag.NOT_LEARNED, ItemFlag.NEGATIVE],
    }
    statuses = post_test_status(training=training)
    assert sum(status.taken for status in statuses.values()) == summary.post.count
    # The next batch has the bank copied, the SKM key put right, and a pre-test.
    batch = Assessment.objects.get(training__code="BIMTEK-PP-2026-A2")
    skm = Question.objects.get(training=batch.training, text__startswith="Survei")
    assert skm.options.get(is_correct=True).text == "9 unsur"

    # Running it again changes nothing.
    before = _snapshot(training)
    assert seed_demo_tests(training=training) == []
    assert _snapshot(training) == before

    # Done again from nothing, it gives the same scores at the same times.
    Answer.objects.all().delete()
    Attempt.objects.all().delete()
    Assessment.objects.all().delete()
    Option.objects.all().delete()
    Question.objects.all().delete()
    seed_demo_tests(training=training)
    assert _snapshot(training) == before
