"""The organiser's pages: set up a form, see the results, download them."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluations.models import EvaluationForm
from tests.evaluations.factories import (
    evaluation_form,
    participant,
    respond,
    training_with_speakers,
)
from tests.factories import TrainingFactory, UserFactory, organiser_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    user = organiser_user()
    client.force_login(user)
    return user


def _url(name, training):
    return reverse(f"evaluations:{name}", args=[training.pk])


# Permissions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("evaluation_list", "get"),
        ("form_settings", "get"),
        ("form_settings", "post"),
        ("form_create", "post"),
        ("form_preview", "get"),
        ("results", "get"),
        ("results_export", "get"),
    ],
)
def test_a_user_without_evaluation_permissions_is_refused(client, name, method):
    form = evaluation_form()
    client.force_login(UserFactory())
    url = (
        reverse("evaluations:evaluation_list")
        if name == "evaluation_list"
        else _url(name, form.training)
    )

    response = getattr(client, method)(url)

    assert response.status_code == 403


def test_results_need_their_own_permission(client):
    form = evaluation_form()
    user = UserFactory()
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(
            codename="view_evaluationform", content_type__app_label="evaluations"
        )
    )
    client.force_login(user)

    assert client.get(_url("form_settings", form.training)).status_code == 200
    assert client.get(_url("results", form.training)).status_code == 403
    assert client.get(_url("results_export", form.training)).status_code == 403
    assert client.post(_url("form_settings", form.training), {}).status_code == 403


def test_the_organiser_role_may_do_everything_here(client, organiser):
    form = evaluation_form()

    for name in ("form_settings", "form_preview", "results", "results_export"):
        assert client.get(_url(name, form.training)).status_code == 200, name
    assert client.get(reverse("evaluations:evaluation_list")).status_code == 200


def test_pages_of_a_training_without_a_form_are_not_found(client, organiser):
    training = TrainingFactory()

    for name in ("form_preview", "results", "results_export"):
        assert client.get(_url(name, training)).status_code == 404, name
    assert client.post(_url("form_settings", training), {}).status_code == 404


# Setting up ------------------------------------------------------------------------------------


def test_the_organiser_creates_the_form_with_one_click(client, organiser):
    training = TrainingFactory()

    page = client.get(_url("form_settings", training)).content.decode()
    response = client.post(_url("form_create", training), follow=True)
    again = client.post(_url("form_create", training), follow=True)

    assert "Buat formulir evaluasi" in page
    html = response.content.decode()
    assert "Formulir evaluasi telah dibuat dengan pertanyaan baku." in html
    assert "Fasilitas dan sarana pelatihan" in html
    assert "Pelatihan ini sudah memiliki formulir evaluasi." in again.content.decode()
    assert EvaluationForm.objects.get(training=training).created_by == organiser


def _settings_data(form, **changes):
    local = timezone.get_default_timezone()
    data = {
        "opens_at": form.opens_at.astimezone(local).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": form.closes_at.astimezone(local).strftime("%Y-%m-%dT%H:%M"),
        "is_anonymous": "on" if form.is_anonymous else "",
        "scale_max": str(form.scale_max),
        "scale_labels": "\n".join(form.scale_labels),
        "organisation_aspects": "\n".join(
            form.questions.filter(section="organisation").values_list("text", flat=True)
        ),
        "speaker_aspects": "\n".join(
            form.questions.filter(section="speaker").values_list("text", flat=True)
        ),
        "open_questions": "\n".join(
            form.questions.filter(section="open").values_list("text", flat=True)
        ),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_organiser_edits_the_form(client, organiser):
    form = evaluation_form()

    response = client.post(
        _url("form_settings", form.training),
        _settings_data(
            form,
            opens_at="2026-12-08T13:00",
            closes_at="2026-12-15T23:59",
            required_for_certificate="on",
            scale_max="4",
            scale_labels="",
            organisation_aspects="Fasilitas\nKonsumsi\n\n",
            open_questions="Saran",
        ),
    )

    assert response.status_code == 302
    form.refresh_from_db()
    assert form.opens_at == datetime.datetime(2026, 12, 8, 6, 0, tzinfo=datetime.UTC)
    assert (form.scale_max, form.required_for_certificate) == (4, True)
    assert form.scale_labels == ["Sangat kurang", "Kurang", "Baik", "Sangat baik"]
    assert list(form.questions.filter(section="organisation").values_list("text", flat=True)) == [
        "Fasilitas",
        "Konsumsi",
    ]


@pytest.mark.parametrize("labels", ["unchanged", "empty"])
def test_switching_the_scale_brings_its_standard_labels(client, organiser, labels):
    form = evaluation_form()
    data = _settings_data(form, scale_max="4")
    if labels == "empty":
        del data["scale_labels"]

    response = client.post(_url("form_settings", form.training), data)

    assert response.status_code == 302
    form.refresh_from_db()
    assert form.scale_labels == ["Sangat kurang", "Kurang", "Baik", "Sangat baik"]


def test_emptied_labels_go_back_to_the_standard_ones(client, organiser):
    form = evaluation_form(scale_labels=["A", "B", "C", "D", "E"])

    client.post(_url("form_settings", form.training), _settings_data(form, scale_labels=""))

    form.refresh_from_db()
    assert form.scale_labels == ["Sangat kurang", "Kurang", "Cukup", "Baik", "Sangat baik"]


def test_a_service_refusal_shows_on_the_field(client, organiser):
    form = evaluation_form()

    response = client.post(
        _url("form_settings", form.training),
        _settings_data(form, closes_at="2020-01-01T00:00"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Formulir harus ditutup sesudah dibuka." in html


def test_once_someone_responded_the_page_says_why_anonymity_is_fixed(client, organiser):
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training)
    respond(form, participant(training))

    html = client.get(_url("form_settings", training)).content.decode()
    response = client.post(
        _url("form_settings", training),
        _settings_data(form, is_anonymous="", organisation_aspects="Lain"),
    )

    assert "anonimitas, skala, dan pertanyaan tidak dapat diubah lagi" in html
    assert re.search(r'<input type="checkbox" name="is_anonymous"[^>]*disabled', html)
    assert response.status_code == 302  # the locked fields were ignored, the rest saved
    form.refresh_from_db()
    assert form.is_anonymous is True
    assert form.questions.filter(text="Lain").exists() is False


def test_the_preview_shows_the_form_without_a_way_to_send_it(client, organiser):
    training, _speakers = training_with_speakers("Budi")
    evaluation_form(training=training)

    html = client.get(_url("form_preview", training)).content.decode()

    assert "Pratinjau" in html and "Penguasaan materi" in html
    assert 'type="submit"' not in html.split("<main", 1)[1].split("</main>")[0]


# Results ---------------------------------------------------------------------------------------


@pytest.fixture
def answered(client):
    training, _speakers = training_with_speakers("Budi", "Siti")
    form = evaluation_form(training=training, open_questions=["Saran"])
    suggestion = form.questions.get(text="Saran").pk
    enrolments = [participant(training) for _ in range(4)]
    respond(
        form, enrolments[0], 5, overrides={"Konsumsi": 2}, open_answers={suggestion: "Nasi dingin"}
    )
    respond(form, enrolments[1], 4, overrides={"Konsumsi": 3})
    respond(form, enrolments[2], 4, overrides={"Konsumsi": 2, ("Siti", "Ketepatan waktu"): 1})
    return form


def test_the_results_page_shows_rate_means_distribution_and_open_answers(
    client, organiser, answered
):
    html = client.get(_url("results", answered.training)).content.decode()

    assert "3 dari 4 (75%)" in html
    meals = re.search(r"<th scope=\"row\">Konsumsi</th>(.*?)</tr>", html, re.DOTALL).group(1)
    assert re.findall(r'<td class="ev-num ev-mean">([^<]+)</td>', meals) == ["2,33"]
    assert re.findall(r'<td class="ev-num ev-count">(\d+)</td>', meals) == ["0", "2", "1", "0", "0"]
    assert '<rect class="ev-v2" x="0.00" y="0" width="66.67" height="8">' in meals
    assert "Siti, S.Sos., M.Si." in html and "Budi, S.Sos., M.Si." in html
    assert "<li>Nasi dingin</li>" in html
    assert "style=" not in html and "<script" not in html


def test_the_export_holds_summary_aspects_speakers_open_answers_and_data(
    client, organiser, answered
):
    response = client.get(_url("results_export", answered.training))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="evaluasi-' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Ringkasan",
        "Penyelenggaraan",
        "Narasumber",
        "Jawaban terbuka",
        "Data",
    ]
    summary = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Responden"] == "3 dari 4 (75%)"
    assert summary["Anonim"] == "Ya"
    rows = list(workbook["Penyelenggaraan"].iter_rows(values_only=True))
    assert rows[0] == (
        "Aspek",
        "Rata-rata",
        "Jawaban",
        "1 (Sangat kurang)",
        "2 (Kurang)",
        "3 (Cukup)",
        "4 (Baik)",
        "5 (Sangat baik)",
    )
    assert ("Konsumsi", 2.33, 3, 0, 2, 1, 0, 0) in rows
    speakers = list(workbook["Narasumber"].iter_rows(values_only=True))
    assert ("Siti, S.Sos., M.Si.", "Ketepatan waktu", 3.33, 3, 1, 0, 0, 1, 1) in speakers
    assert list(workbook["Jawaban terbuka"].iter_rows(values_only=True)) == [
        ("Pertanyaan", "Jawaban"),
        ("Saran", "Nasi dingin"),
    ]
    data = list(workbook["Data"].iter_rows(values_only=True))
    assert data[0][0] == "No." and len(data) == 4
    assert len(data[0]) == 1 + 7 + 2 * 9 + 1
    assert sorted(row[6] for row in data[1:]) == [2, 2, 3]  # Konsumsi, one per response


def test_a_named_export_says_who_answered(client, organiser):
    training, _speakers = training_with_speakers("Budi")
    form = evaluation_form(training=training, is_anonymous=False)
    enrolment = participant(training)
    respond(form, enrolment)

    response = client.get(_url("results_export", training))

    data = list(load_workbook(io.BytesIO(response.content))["Data"].iter_rows(values_only=True))
    assert data[0][0] == "Responden"
    assert data[1][0] == f"{enrolment.employee.full_name} – {enrolment.employee.nip_display}"


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["results", "results_export"])
def test_results_take_the_same_queries_for_5_and_50_respondents(client, organiser, name):
    counts = []
    for respondents, speakers in ((5, 1), (50, 3)):
        training, _s = training_with_speakers(*[f"N{respondents}-{n}" for n in range(speakers)])
        form = evaluation_form(training=training, open_questions=["Saran"])
        suggestion = form.questions.get(text="Saran").pk
        for number in range(respondents):
            respond(
                form,
                participant(training),
                1 + number % 5,
                open_answers={suggestion: f"Saran {number}"},
            )
        counts.append(_query_count(client, _url(name, training)))

    assert counts[0] == counts[1]


def test_the_evaluation_list_takes_the_same_queries_for_1_and_3_trainings(client, organiser):
    counts = []
    for trainings in (1, 3):
        for _ in range(trainings if not counts else 2):
            form = evaluation_form()
            respond(form, participant(form.training))
        TrainingFactory()  # one without a form
        counts.append(_query_count(client, reverse("evaluations:evaluation_list")))

    assert counts[0] == counts[1]


def test_the_evaluation_list_shows_state_and_response_rate(client, organiser):
    form = evaluation_form()
    respond(form, participant(form.training))
    participant(form.training)
    bare = TrainingFactory()

    html = client.get(reverse("evaluations:evaluation_list")).content.decode()

    assert "1 dari 2 (50%)" in html
    assert "Dibuka" in html and "Belum ada formulir" in html
    assert _url("results", form.training) in html
    assert _url("form_settings", bare) in html


def test_organisers_find_the_evaluations_on_the_home_page(client, organiser):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("evaluations:evaluation_list")}"' in html
