"""The training models in the admin: every list and form opens for a superuser."""

import pytest
from django.urls import reverse

from tests.factories import AttendanceFactory, SpeakerFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["training", "speaker", "session", "enrolment", "attendance", "attendancechange"]


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize("model", MODELS)
def test_every_list_opens_and_searches(client, superuser, model):
    AttendanceFactory()

    response = client.get(reverse(f"admin:trainings_{model}_changelist"), {"q": "a"})

    assert response.status_code == 200


@pytest.mark.parametrize(("model", "status"), [
    ("training", 200), ("speaker", 200), ("session", 200),
    ("enrolment", 403), ("attendance", 403), ("attendancechange", 403),
])
def test_enrolment_and_attendance_are_not_added_in_the_admin(client, superuser, model, status):
    response = client.get(reverse(f"admin:trainings_{model}_add"))

    assert response.status_code == status


def test_a_training_opens_with_its_sessions_inline(client, superuser):
    attendance = AttendanceFactory(session__topic="Pelayanan Prima")
    attendance.session.speakers.add(SpeakerFactory())

    response = client.get(
        reverse("admin:trainings_training_change", args=[attendance.session.training.pk])
    )

    assert response.status_code == 200
    assert "Pelayanan Prima" in response.content.decode()


def test_the_speaker_autocomplete_answers(client, superuser):
    SpeakerFactory(name="Budi Santoso")

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "budi", "app_label": "trainings", "model_name": "session", "field_name": "speakers"},
    )

    assert [item["text"] for item in response.json()["results"]] == ["Budi Santoso, S.Sos., M.Si."]


def test_the_audit_fields_come_last_and_cannot_be_edited(client, superuser):
    response = client.get(reverse("admin:trainings_training_add"))

    form_fields = list(response.context["adminform"].form.fields)
    assert "created_by" not in form_fields
    assert form_fields[0] == "code"
    assert list(response.context["adminform"].readonly_fields) == [
        "created_by",
        "created_at",
        "updated_at",
    ]
def test_an_admin_bookmark_from_before_the_move_opens_the_same_page_under_trainings(
    client, superuser
):
    training = TrainingFactory()

    response = client.get(f"/admin/bimtek/training/{training.pk}/change/", {"_popup": "1"})

    assert response.status_code == 301
    assert response.headers["Location"] == (
        reverse("admin:trainings_training_change", args=[training.pk]) + "?_popup=1"
    )
    assert client.get(response.headers["Location"]).status_code == 200
    index = client.get("/admin/bimtek/")
    assert (index.status_code, index.headers["Location"]) == (301, "/admin/trainings/")


def test_an_admin_bookmark_from_before_the_move_asks_whoever_is_not_staff_to_log_in(client):
    client.force_login(UserFactory())

    response = client.get("/admin/bimtek/training/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
