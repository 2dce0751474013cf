"""Panitia per training: an office may let each organiser see only the trainings they run."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates import services as certificate_services
from certificates.models import Certificate
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.factories import TrainingFactory, UnitFactory, organiser_user
from trainings.selectors.trainings import trainings_visible_to
from trainings.services.trainings import copy_training_as_new_batch, create_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training_of_a():
    """Organiser A's finished training, its certificates issued; A is its panitia."""
    CertificateSettingsFactory()
    training = finished_training(participants=1, title="Bimtek Milik Panitia A")
    certificate_services.issue_for_training(training=training)
    organiser_a = organiser_user()
    training.organisers.add(organiser_a)
    return training, organiser_a


def _pages_of(training):
    return [
        reverse("trainings:training_detail", kwargs={"pk": training.pk}),
        reverse("trainings:training_edit", kwargs={"pk": training.pk}),
        reverse("certificates:settings", kwargs={"pk": training.pk}),
        reverse("certificates:training", kwargs={"pk": training.pk}),
    ]


def _forms_of(training):
    return [
        reverse("trainings:training_edit", kwargs={"pk": training.pk}),
        reverse("certificates:settings", kwargs={"pk": training.pk}),
    ]


def _certificate_of(training):
    return Certificate.objects.get(enrolment__training=training)


LISTS = (
    "trainings:training_list",
    "assessments:training_index",
    "evaluations:evaluation_list",
    "certificates:training_list",
)


def test_an_organiser_who_is_not_panitia_cannot_open_or_change_the_training_when_the_office_says_so(
    client, settings, training_of_a
):
    settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS = False
    training, _organiser_a = training_of_a
    client.force_login(organiser_user())
    for url in _pages_of(training):
        assert client.get(url).status_code == 404, url
    for url in _forms_of(training):
        assert client.post(url, {"title": "Diubah"}).status_code == 404, url
    certificate = _certificate_of(training)
    revoke = reverse("certificates:revoke", kwargs={"cert_pk": certificate.pk})
    assert client.post(revoke, {"reason": "Salah terbit"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_the_training_is_not_in_the_lists_of_an_organiser_who_is_not_panitia(
    client, settings, training_of_a
):
    settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS = False
    training, organiser_a = training_of_a
    client.force_login(organiser_user())
    for name in LISTS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert training.title not in response.text, name
    client.force_login(organiser_a)
    for name in ("trainings:training_list", "certificates:training_list"):
        assert training.title in client.get(reverse(name)).text, name


def test_the_panitia_and_superusers_still_see_the_training(client, settings, training_of_a):
    from tests.factories import UserFactory

    settings.BIMTEK_ORGANISERS_SEE_ALL_TRAININGS = False
    training, organiser_a = training_of_a
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for user in (organiser_a, superuser):
        client.force_login(user)
        for url in _pages_of(training):
            assert client.get(url).status_code == 200, (user, url)
        assert list(trainings_visible_to(user)) == [training]


def test_by_default_every_organiser_sees_every_training(client, training_of_a):
    training, _organiser_a = training_of_a
    other = organiser_user()
    client.force_login(other)
    for url in _pages_of(training):
        assert client.get(url).status_code == 200, url
    assert training.title in client.get(reverse("trainings:training_list")).text


def test_whoever_creates_a_training_is_its_panitia_and_a_new_batch_keeps_the_panitia():
    creator, colleague = organiser_user(), organiser_user()
    training = create_training(
        by=creator,
        code="BIMTEK-PANITIA-2026",
        title="Bimtek Panitia",
        organiser_unit=UnitFactory(),
        start_date=datetime.date(2026, 12, 7),
        end_date=datetime.date(2026, 12, 8),
    )
    assert list(training.organisers.all()) == [creator]
    training.organisers.add(colleague)

    copy = copy_training_as_new_batch(
        training=training, start_date=datetime.date(2027, 1, 11), by=colleague
    )
    assert set(copy.organisers.all()) == {creator, colleague}


def test_a_training_made_elsewhere_has_no_panitia_until_one_is_chosen():
    assert TrainingFactory().organisers.count() == 0


# The training form ------------------------------------------------------------------------------


def test_the_edit_form_saves_the_chosen_panitia_and_the_page_lists_them(client):
    from tests.trainings.test_trainings_views import _training_post

    creator = organiser_user(first_name="Rina", last_name="Kusuma")
    colleague = organiser_user(first_name="Budi", last_name="Santoso")
    client.force_login(creator)
    client.post(reverse("trainings:training_create"), _training_post())
    training = creator.organised_trainings.get()
    edit = reverse("trainings:training_edit", args=[training.pk])
    assert client.get(edit).context["form"]["organisers"].value() == [creator.pk]

    response = client.post(
        edit, _training_post(code="BIMTEK-PP-2022", organisers=[creator.pk, colleague.pk])
    )

    assert response.status_code == 302
    assert set(training.organisers.all()) == {creator, colleague}
    page = client.get(training.get_absolute_url()).text
    assert "Panitia" in page
    assert "Budi Santoso" in page and "Rina Kusuma" in page


def test_only_organisers_can_be_picked_as_panitia(client):
    from tests.factories import admin_user, participant_user
    from tests.trainings.test_trainings_views import _training_post

    creator = organiser_user()
    participant, admin = participant_user(), admin_user()
    client.force_login(creator)
    form = client.get(reverse("trainings:training_create")).context["form"]
    assert list(form.fields["organisers"].queryset) == [creator]

    response = client.post(
        reverse("trainings:training_create"), _training_post(organisers=[participant.pk])
    )

    assert response.status_code == 200
    assert "organisers" in response.context["form"].errors
    assert not creator.organised_trainings.exists()
    with pytest.raises(ValidationError) as refused:
        create_training(
            by=creator,
            code="BIMTEK-X",
            title="Bimtek X",
            organiser_unit=UnitFactory(),
            start_date=datetime.date(2026, 12, 7),
            end_date=datetime.date(2026, 12, 8),
            organisers=[admin],
        )
    assert refused.value.message_dict["organisers"] == [
        f"Hanya penyelenggara yang dapat menjadi panitia pelatihan; {admin.username} bukan "
        "penyelenggara."
    ]
