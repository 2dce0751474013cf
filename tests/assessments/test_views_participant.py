"""The participant's test pages: taking a test on a phone, with and without JavaScript."""

import datetime
import json
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from office.services import save_office
from assessments.models import Answer, Assessment, Attempt
from assessments.services import release_results, start_attempt
from tests.factories import EnrolmentFactory, organiser_user, participant_user

from .conftest import open_test
from .factories import take_test

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _key_and_explanations(training) -> tuple[set[int], list[str]]:
    from assessments.models import Option, Question

    keys = set(
        Option.objects.filter(question__training=training, is_correct=True).values_list(
            "pk", flat=True
        )
    )
    explanations = list(
        Question.objects.filter(training=training).values_list("explanation", flat=True)
    )
    return keys, explanations


def _assert_no_key(content: str, training) -> None:
    """Nothing on the page tells the correct option from the others, nor explains it."""
    _keys, explanations = _key_and_explanations(training)
    assert "is_correct" not in content
    assert "is-key" not in content
    assert "benar" not in content.lower().replace("jawaban benar", "")  # no "correct" badge
    for explanation in explanations:
        assert explanation not in content


def _question_ids(content: str) -> list[str]:
    return re.findall(r'data-question="(\d+)"', content)


def _option_ids(content: str) -> list[str]:
    return re.findall(r'name="option" value="(\d+)"', content)


# My tests and starting --------------------------------------------------------------------------


def test_my_tests_lists_the_persons_tests_in_indonesian(client, participant, pre, training):
    client.force_login(participant)

    response = client.get(reverse("assessments:my_tests"))

    content = response.content.decode()
    assert response.status_code == 200
    assert [t.assessment for t in response.context["tests"]] == [pre]
    assert "Tes saya" in content
    assert "Mulai tes" in content


def test_start_creates_an_attempt_and_shows_every_question(client, participant, pre):
    client.force_login(participant)

    response = client.post(reverse("assessments:test_start", args=[pre.pk]))

    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:attempt_take", args=[attempt.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert len(_question_ids(page.content.decode())) == 5
    assert len(_option_ids(page.content.decode())) == 20


@pytest.mark.parametrize(
    ("zone", "label"), [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")]
)
def test_the_deadline_is_shown_in_the_offices_time_and_zone(client, participant, pre, zone, label):
    save_office(values={"time_zone": zone})
    client.force_login(participant)
    client.post(reverse("assessments:test_start", args=[pre.pk]))
    attempt = Attempt.objects.get()

    page = client.get(reverse("assessments:attempt_take", args=[attempt.pk])).content.decode()

    local = attempt.deadline.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H.%M")
    assert f"Selesaikan sebelum pukul {local} {label}" in page
    assert attempt.deadline.tzinfo == datetime.UTC  # stored in UTC, whatever the office's zone


def test_reloading_shows_the_same_order(client, participant, pre):
    client.force_login(participant)
    client.post(reverse("assessments:test_start", args=[pre.pk]))
    url = reverse("assessments:attempt_take", args=[Attempt.objects.get().pk])

    first, second = client.get(url).content.decode(), client.get(url).content.decode()

    assert _question_ids(first) == _question_ids(second)
    assert _option_ids(first) == _option_ids(second)


def test_starting_twice_resumes(client, participant, pre):
    client.force_login(participant)
    client.post(reverse("assessments:test_start", args=[pre.pk]))

    response = client.post(reverse("assessments:test_start", args=[pre.pk]))

    assert Attempt.objects.count() == 1
    assert response["Location"] == reverse(
        "assessments:attempt_take", args=[Attempt.objects.get().pk]
    )


def test_a_closed_test_cannot_be_started(client, participant, training, bank):
    now = timezone.now()
    test = open_test(
        training,
        opens_at=now - datetime.timedelta(hours=3),
        closes_at=now - datetime.timedelta(hours=1),
    )
    client.force_login(participant)

    response = client.post(reverse("assessments:test_start", args=[test.pk]), follow=True)

    assert not Attempt.objects.exists()
    assert "Tes ini sudah ditutup." in response.content.decode()


# Saving answers ---------------------------------------------------------------------------------


@pytest.fixture
def attempt(pre, enrolment):
    return start_attempt(assessment=pre, enrolment=enrolment)


def _out_of_time(attempt) -> None:
    """Move an attempt into the past: started 21 minutes ago, deadline a second ago."""
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=now - datetime.timedelta(minutes=21),
        deadline=now - datetime.timedelta(seconds=1),
    )


def _first(attempt) -> Answer:
    return attempt.answers.order_by("position").first()


def test_an_answer_is_saved_by_fetch(client, participant, attempt):
    client.force_login(participant)
    answer = _first(attempt)

    response = client.post(
        reverse("assessments:attempt_answer", args=[attempt.pk]),
        {"question": answer.question_id, "option": answer.option_order[2]},
        **JSON,
    )

    data = response.json()
    answer.refresh_from_db()
    assert response.status_code == 200
    assert (data["ok"], data["question"], data["option"]) == (
        True,
        answer.question_id,
        answer.option_order[2],
    )
    assert 0 < data["remaining"] <= 20 * 60
    assert answer.chosen_id == answer.option_order[2]
    assert set(data) == {"ok", "question", "option", "remaining"}


def test_without_javascript_a_saved_answer_goes_on_to_the_next_question(
    client, participant, attempt
):
    client.force_login(participant)
    answer = _first(attempt)

    response = client.post(
        reverse("assessments:attempt_answer", args=[attempt.pk]),
        {"question": answer.question_id, "option": answer.option_order[0]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:attempt_take", args=[attempt.pk]) + "#q-2"
    page = client.get(reverse("assessments:attempt_take", args=[attempt.pk])).content.decode()
    assert f'value="{answer.option_order[0]}" checked' in page


def test_a_late_answer_is_refused_with_409(client, participant, attempt):
    _out_of_time(attempt)
    client.force_login(participant)
    answer = _first(attempt)

    response = client.post(
        reverse("assessments:attempt_answer", args=[attempt.pk]),
        {"question": answer.question_id, "option": answer.option_order[0]},
        **JSON,
    )

    assert response.status_code == 409
    assert response.json() == {
        "ok": False,
        "code": "deadline_passed",
        "message": "Waktu habis: jawaban tidak dapat diubah lagi.",
        "result_url": reverse("assessments:attempt_result", args=[attempt.pk]),
    }
    answer.refresh_from_db()
    assert answer.chosen_id is None


def test_a_bad_choice_is_a_400(client, participant, attempt):
    client.force_login(participant)

    response = client.post(
        reverse("assessments:attempt_answer", args=[attempt.pk]), {"question": "x"}, **JSON
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_answers_need_the_csrf_token(participant, attempt):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(participant)
    answer = _first(attempt)

    response = client.post(
        reverse("assessments:attempt_answer", args=[attempt.pk]),
        {"question": answer.question_id, "option": answer.option_order[0]},
        **JSON,
    )

    assert response.status_code == 403


def test_the_page_loads_the_script_and_no_inline_code(client, participant, attempt):
    client.force_login(participant)

    response = client.get(reverse("assessments:attempt_take", args=[attempt.pk]))

    content = response.content.decode()
    assert '<script src="/static/js/assessments-attempt.js" defer></script>' in content
    assert "<script>" not in content and " style=" not in content and "onclick" not in content
    assert f'data-storage-key="bimtek-attempt-{attempt.pk}"' in content
    assert 'data-text-saved="tersimpan"' in content
    assert 'data-text-pending="belum terkirim"' in content


# Submitting and results -------------------------------------------------------------------------


def test_submit_asks_then_hands_in(client, participant, attempt):
    client.force_login(participant)
    url = reverse("assessments:attempt_submit", args=[attempt.pk])

    confirm = client.get(url)
    response = client.post(url)

    assert "Anda telah menjawab 0 dari 5 soal." in confirm.content.decode()
    assert response["Location"] == reverse("assessments:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None


def test_an_attempt_out_of_time_is_submitted_when_reopened(client, participant, attempt):
    _out_of_time(attempt)
    client.force_login(participant)

    response = client.get(reverse("assessments:attempt_take", args=[attempt.pk]), follow=True)

    attempt.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse(
        "assessments:attempt_result", args=[attempt.pk]
    )
    assert (attempt.submitted_how, attempt.score) == ("deadline", 0)
    assert "Waktu habis pada" in response.content.decode()


def test_the_score_shows_only_once_released(client, participant, pre, enrolment):
    attempt = take_test(pre, enrolment, right=4)
    client.force_login(participant)
    url = reverse("assessments:attempt_result", args=[attempt.pk])

    before = client.get(url).content.decode()
    release_results(assessment=pre)
    after = client.get(url).content.decode()

    assert "<strong>80</strong>" not in before and "Nilai Anda akan tampil" in before
    assert "Nilai Anda <strong>80</strong>" in after
    assert "4 dari 5 jawaban benar." in after


def test_the_pre_test_key_waits_for_the_post_test(
    client, participant, pre, post, enrolment, training
):
    pre_attempt = take_test(pre, enrolment, right=2)
    release_results(assessment=pre)
    client.force_login(participant)

    pre_page = client.get(
        reverse("assessments:attempt_result", args=[pre_attempt.pk])
    ).content.decode()
    post_attempt = take_test(post, enrolment, right=5)
    release_results(assessment=post)
    post_page = client.get(
        reverse("assessments:attempt_result", args=[post_attempt.pk])
    ).content.decode()
    pre_after = client.get(
        reverse("assessments:attempt_result", args=[pre_attempt.pk])
    ).content.decode()

    _assert_no_key(pre_page, training)
    assert "ditampilkan setelah post-test" in pre_page
    _keys, explanations = _key_and_explanations(training)
    for page in (post_page, pre_after):
        assert "is-key" in page
        assert all(explanation in page for explanation in explanations)


def test_no_participant_page_or_response_carries_the_key_before_release(
    client, participant, pre, enrolment, training
):
    client.force_login(participant)
    pages = [
        client.get(reverse("home")),
        client.get(reverse("assessments:my_tests")),
        client.get(reverse("assessments:test_start", args=[pre.pk])),
    ]
    client.post(reverse("assessments:test_start", args=[pre.pk]))
    attempt = Attempt.objects.get()
    pages.append(client.get(reverse("assessments:attempt_take", args=[attempt.pk])))
    for answer in attempt.answers.order_by("position"):
        pages.append(
            client.post(
                reverse("assessments:attempt_answer", args=[attempt.pk]),
                {"question": answer.question_id, "option": answer.option_order[0]},
                **JSON,
            )
        )
    pages.append(client.get(reverse("assessments:attempt_submit", args=[attempt.pk])))
    pages.append(client.post(reverse("assessments:attempt_submit", args=[attempt.pk]), follow=True))
    pages.append(client.get(reverse("assessments:my_tests")))
    release_results(assessment=pre)  # the score, but no key while a post-test may follow
    pages.append(client.get(reverse("assessments:attempt_result", args=[attempt.pk])))

    for response in pages:
        assert response.status_code == 200
        _assert_no_key(response.content.decode(), training)
        assert (response.context or {}).get("review") is None
    json_bodies = [json.loads(r.content) for r in pages if r["Content-Type"] == "application/json"]
    assert len(json_bodies) == 5
    assert all(set(body) == {"ok", "question", "option", "remaining"} for body in json_bodies)


# Whose attempt ----------------------------------------------------------------------------------


def test_nobody_else_reaches_an_attempt(client, attempt, training):
    stranger = participant_user()
    classmate = participant_user()
    EnrolmentFactory(training=training, employee=classmate.employee)
    answer = _first(attempt)
    for user in (stranger, classmate, organiser_user()):
        client.force_login(user)
        for name in ("attempt_take", "attempt_submit", "attempt_result"):
            assert client.get(reverse(f"assessments:{name}", args=[attempt.pk])).status_code == 404
        response = client.post(
            reverse("assessments:attempt_answer", args=[attempt.pk]),
            {"question": answer.question_id, "option": answer.option_order[0]},
            **JSON,
        )
        assert response.status_code == 404
        assert (
            client.post(reverse("assessments:attempt_submit", args=[attempt.pk])).status_code == 404
        )
    answer.refresh_from_db()
    assert answer.chosen_id is None and Attempt.objects.get().submitted_at is None


def test_a_test_of_a_training_one_is_not_in_is_a_404(client, pre):
    client.force_login(participant_user())

    assert client.get(reverse("assessments:test_start", args=[pre.pk])).status_code == 404
    assert client.post(reverse("assessments:test_start", args=[pre.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_my_tests_shows_only_the_persons_own_scores(client, participant, pre, enrolment, training):
    classmate = EnrolmentFactory(training=training)
    take_test(pre, classmate, right=5)
    take_test(pre, enrolment, right=1)
    release_results(assessment=pre)
    client.force_login(participant)

    response = client.get(reverse("assessments:my_tests"))

    content = response.content.decode()
    assert "<strong>20</strong>" in content
    assert "<strong>100</strong>" not in content


def test_pelatihan_saya_links_to_my_tests(client, participant, pre):
    client.force_login(participant)

    content = client.get(reverse("trainings:my_trainings")).content.decode()

    assert f'href="{reverse("assessments:my_tests")}">Tes saya</a>' in content


def test_a_reset_sends_the_person_back_to_the_start(client, participant, attempt):
    from assessments.services import reset_attempt

    reset_attempt(attempt=attempt, by=None, reason="Salah akun")
    client.force_login(participant)

    response = client.get(reverse("assessments:attempt_take", args=[attempt.pk]))

    assert response["Location"] == reverse("assessments:test_start", args=[attempt.assessment_id])
    assert Assessment.objects.get().attempts.count() == 1


def test_without_a_post_test_the_key_shows_once_the_training_is_finished(
    client, participant, pre, enrolment, training
):
    from trainings.models import Training

    attempt = take_test(pre, enrolment, right=3)
    release_results(assessment=pre)
    client.force_login(participant)
    url = reverse("assessments:attempt_result", args=[attempt.pk])

    running = client.get(url).content.decode()
    Training.objects.filter(pk=training.pk).update(status=Training.Status.FINISHED)
    finished = client.get(url).content.decode()

    _assert_no_key(running, training)
    assert finished.count('class="is-key') == 5
