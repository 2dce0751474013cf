"""The home page: each role sees its own starting points."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, admin_user, organiser_user, participant_user

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/"


@pytest.mark.parametrize(
    ("make_user", "role", "links", "absent"),
    [
        (
            admin_user,
            "Admin kepegawaian",
            ["participants:employee_list", "participants:employee_create",
             "participants:import"],
            ["participants:my_profile"],
        ),
        (
            organiser_user,
            "Penyelenggara",
            ["participants:employee_list"],
            ["participants:employee_create", "participants:import",
             "participants:my_profile"],
        ),
        (
            participant_user,
            "Peserta",
            ["participants:my_profile", "account_change_password"],
            ["participants:employee_list", "participants:employee_create"],
        ),
    ],
    ids=["admin", "organiser", "participant"],
)
def test_each_role_sees_its_starting_points(client, make_user, role, links, absent):
    user = make_user()
    client.force_login(user)

    response = client.get(HOME)

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Peran Anda: {role}" in html
    for name in links:
        assert f'href="{reverse(name)}"' in html, name
    for name in absent:
        assert f'href="{reverse(name)}"' not in html, name


def test_a_participant_is_greeted_by_name_with_titles(client):
    user = participant_user()
    user.employee.gelar_depan = "Ns."
    user.employee.save()
    client.force_login(user)

    html = client.get(HOME).content.decode()

    assert f"Selamat datang, Ns. {user.employee.name}" in html


def test_an_account_without_role_or_entry_is_greeted_by_username(client):
    user = UserFactory(username="tamu")
    client.force_login(user)

    html = client.get(HOME).content.decode()

    assert "Selamat datang, tamu" in html
    assert "Peran Anda" not in html
