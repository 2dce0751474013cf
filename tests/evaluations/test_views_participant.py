"""The participant's pages: their own form, once, on a phone; never anyone's results."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trainings.models import Enrolment
from evaluations.models import Answer, Receipt, Response
from tests.evaluations.factories import (
    evaluation_form,
    full_ratings,
    participant,
    post_data,
    respond,
    training_with_speakers,
)
from tests.factories import TrainingFactory, participant_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(client):
    training, speakers = training_with_speakers("Budi", "Siti")
    form = evaluation_form(training=training)
    enrolment = participant(training)
    client.force_login(enrolment.employee.user)
    return form, enrolment, speakers


def _url(form):
    return reverse("evaluations:respond", args=[form.training_id])


def _checked(html: str) -> set[str]:
    """Return name=value of every ticked radio button on the page."""
    return {
        f"{name}={value}"
        for name, value in re.findall(
            r'<input type="radio" name="([^"]+)" value="(\d)"[^>]*checked', html
        )
    }


def test_the_form_shows_every_aspect_for_the_organisation_and_each_speaker(client, setting):
    form, _enrolment, _speakers = setting

    response = client.get(_url(form))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Evaluasi pelatihan" in html
    assert "Jawaban Anda anonim" in html
    assert html.count('<fieldset class="likert likert-5') == 7 + 2 * 9
    assert "Budi, S.Sos., M.Si." in html and "Siti, S.Sos., M.Si." in html
    assert html.count('type="radio"') == (7 + 2 * 9) * 5
    assert "Sangat kurang" in html and "Sangat baik" in html
    assert "Saran untuk perbaikan penyelenggaraan pelatihan" in html
    assert "Kirim evaluasi" in html
    assert "style=" not in html and "<script" not in html


def test_a_complete_answer_is_recorded_and_thanked(client, setting):
    form, enrolment, _speakers = setting
    suggestion = form.questions.filter(section="open").first()

    response = client.post(
        _url(form), post_data(form, full_ratings(form, 5), {suggestion.pk: "Tambah praktik"})
    )

    assert response.status_code == 302 and response["Location"] == _url(form)
    assert Receipt.objects.get().enrolment == enrolment
    assert Answer.objects.filter(value=5).count() == 25
    assert Answer.objects.get(value__isnull=True).text == "Tambah praktik"
    page = client.get(_url(form)).content.decode()
    assert "Terima kasih! Jawaban Anda telah tercatat." in page
    assert "Anda sudah mengisi evaluasi ini." in page
    assert 'type="radio"' not in page


def test_missing_answers_are_listed_and_the_given_ones_kept(client, setting):
    form, _enrolment, speakers = setting
    ratings = full_ratings(form, 4)
    meals = form.questions.get(text="Konsumsi")
    language = form.questions.get(text="Penggunaan bahasa")
    del ratings[(meals.pk, None)]
    del ratings[(language.pk, speakers["Siti"].pk)]
    suggestion = form.questions.filter(section="open").first()
    data = post_data(form, ratings, {suggestion.pk: "Ruangan dingin"})

    response = client.post(_url(form), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 pertanyaan belum dijawab. Jawaban Anda yang lain tetap tersimpan di formulir." in html
    missing = re.findall(r'<li><a href="#(q-[^"]+)">([^<]+)</a></li>', html)
    assert missing == [
        (f"q-org-{meals.pk}", "Penyelenggaraan pelatihan: Konsumsi"),
        (f"q-spk-{speakers['Siti'].pk}-{language.pk}", "Siti, S.Sos., M.Si.: Penggunaan bahasa"),
    ]
    assert html.count("Silakan pilih salah satu nilai.") == 2
    assert _checked(html) == {f"{name}=4" for name in data if not name.startswith("open")}
    assert "Ruangan dingin</textarea>" in html
    assert not Receipt.objects.exists() and not Response.objects.exists()


def test_a_double_submit_records_one_response(client, setting):
    form, _enrolment, _speakers = setting
    data = post_data(form, full_ratings(form, 5))

    first = client.post(_url(form), data)
    second = client.post(_url(form), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Receipt.objects.count() == Response.objects.count() == 1
    assert Answer.objects.count() == 25
    page = client.get(_url(form)).content.decode()
    assert "Jawaban Anda sudah tercatat. Terima kasih!" in page


def test_a_participant_who_answered_on_another_tab_is_not_asked_again(client, setting):
    form, enrolment, _speakers = setting
    stale = post_data(form, full_ratings(form, 1))
    respond(form, enrolment, 5)

    response = client.post(_url(form), stale, follow=True)

    assert "Jawaban Anda sudah tercatat. Terima kasih!" in response.content.decode()
    assert not Answer.objects.filter(value=1).exists()


@pytest.mark.parametrize(
    ("window", "text"),
    [
        ((1, 2), "Evaluasi dibuka pada"),
        ((-2, -1), "Evaluasi telah ditutup pada"),
    ],
    ids=["upcoming", "closed"],
)
def test_outside_its_window_the_form_says_when_it_opens_or_closed(client, window, text):
    now = timezone.now()
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(
        training=training,
        window=tuple(now + datetime.timedelta(days=days) for days in window),
    )
    enrolment = participant(training)
    client.force_login(enrolment.employee.user)

    for response in (
        client.get(_url(form)),
        client.post(_url(form), post_data(form, full_ratings(form))),
    ):
        html = response.content.decode()
        assert response.status_code == 200
        assert text in html and 'type="radio"' not in html
    assert not Receipt.objects.exists()


@pytest.mark.parametrize(
    "who", ["not_enrolled", "waitlisted", "cancelled", "other_training", "no_form"]
)
def test_people_who_may_not_answer_get_not_found(client, who):
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training)
    url = _url(form)
    if who == "not_enrolled":
        user = participant_user()
    elif who in ("waitlisted", "cancelled"):
        user = participant(training, status=who).employee.user
    elif who == "other_training":
        user = participant(TrainingFactory()).employee.user
    else:
        without_form = TrainingFactory()
        user = participant(without_form).employee.user
        url = reverse("evaluations:respond", args=[without_form.pk])
    client.force_login(user)

    get = client.get(url)
    post = client.post(url, post_data(form, full_ratings(form)))

    assert (get.status_code, post.status_code) == (404, 404)
    assert not Receipt.objects.exists()


@pytest.mark.parametrize(
    "name", ["results", "results_export", "form_settings", "form_preview", "evaluation_list"]
)
def test_participants_never_see_results_or_settings(client, setting, name):
    form, enrolment, _speakers = setting
    respond(form, enrolment)
    args = [] if name == "evaluation_list" else [form.training_id]

    response = client.get(reverse(f"evaluations:{name}", args=args))

    assert response.status_code == 403


def test_my_evaluations_lists_the_participants_forms(client, setting):
    form, _enrolment, _speakers = setting

    html = client.get(reverse("evaluations:my_evaluations")).content.decode()

    assert form.training.title in html
    assert f'href="{_url(form)}"' in html
    assert "Isi evaluasi" in html


def test_the_home_page_invites_participants_with_an_open_evaluation(client, setting):
    form, enrolment, _speakers = setting

    before = client.get(reverse("home")).content.decode()
    respond(form, enrolment)
    after = client.get(reverse("home")).content.decode()

    assert "Evaluasi pelatihan Anda" in before and f'href="{_url(form)}"' in before
    assert "Evaluasi pelatihan Anda" not in after


def test_a_participant_without_open_evaluations_sees_no_card(client):
    client.force_login(participant_user())

    html = client.get(reverse("home")).content.decode()

    assert "Evaluasi pelatihan Anda" not in html
    assert reverse("evaluations:evaluation_list") not in html


def test_the_participant_form_takes_fixed_queries_whatever_the_speakers(client):
    counts = []
    for speakers in (1, 4):
        training, _s = training_with_speakers(*[f"N{speakers}-{n}" for n in range(speakers)])
        form = evaluation_form(training=training)
        enrolment = participant(training)
        client.force_login(enrolment.employee.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(form)).status_code == 200
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_enrolment_status_is_checked_again_on_submit(client, setting):
    form, enrolment, _speakers = setting
    data = post_data(form, full_ratings(form))
    Enrolment.objects.filter(pk=enrolment.pk).update(status="cancelled", enrolled_at=None)

    response = client.post(_url(form), data)

    assert response.status_code == 404


def test_my_evaluations_takes_the_same_queries_for_1_and_3_trainings(client):
    enrolment = participant(evaluation_form().training)
    user = enrolment.employee.user
    client.force_login(user)
    counts = []
    for extra in (0, 2):
        for _ in range(extra):
            form = evaluation_form()
            Enrolment.objects.create(
                training=form.training,
                employee=enrolment.employee,
                status="enrolled",
                enrolled_at=timezone.now(),
                badge_token=f"tok-{form.pk}",
            )
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("evaluations:my_evaluations")).content.decode()
        counts.append(len(captured))
        assert html.count("Isi evaluasi</a>") == 1 + extra

    assert counts[0] == counts[1]
