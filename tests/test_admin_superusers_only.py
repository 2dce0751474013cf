"""The Django admin is for superusers only; the roles do their work in the app's own pages."""

import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from tests.factories import UserFactory, admin_user, organiser_user

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(is_staff=True),
        admin_user,
        lambda: UserFactory(roles=[Role.ADMIN], is_staff=True),
    ],
    ids=["staff", "staff-administrator", "staff-administrator-with-is-staff"],
)
def test_a_non_superuser_does_not_get_into_the_django_admin(make_user):
    client = Client()
    client.force_login(make_user())

    response = client.get(INDEX)
    changelist = client.get(reverse("admin:participants_unit_changelist"))

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))
        login_page = client.get(response["Location"])
        # the staff account sees the admin's login page, saying it may not enter
        assert login_page.status_code in (200, 403)
        assert "admin/index.html" not in [t.name for t in login_page.templates]
    assert changelist.status_code in (302, 403)


def test_an_organiser_is_refused_at_the_django_admin():
    client = Client()
    client.force_login(organiser_user())

    response = client.get(INDEX, follow=True)

    assert "admin/index.html" not in [t.name for t in response.templates]


def test_a_superuser_gets_in_and_sees_the_administration_link():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(INDEX).status_code == 200
    assert INDEX in client.get(reverse("home")).content.decode()


def test_the_staff_administrator_sees_no_administration_link_but_the_app_pages():
    client = Client()
    client.force_login(admin_user())

    html = client.get(reverse("home")).content.decode()

    assert f'href="{INDEX}"' not in html
    assert reverse("participants:unit_list") in html
    assert reverse("participants:account_list") in html


def test_the_staff_administrator_imports_in_the_app_not_in_the_django_admin():
    client = Client()
    client.force_login(admin_user())

    old_address = client.get(reverse("admin:participants_employee_import"))

    assert old_address.status_code == 302
    assert old_address["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("participants:import")).status_code == 200
    assert client.get(reverse("admin:participants_stafflistimport_changelist")).status_code == 302
