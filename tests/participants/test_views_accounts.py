"""The "Accounts and roles" pages: the staff administrator gives and takes roles and
(de)activates accounts in the app, and the audit log says who did it."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from core.roles import Role, sync_roles, user_roles
from office.selectors import current_office
from participants.models import User
from tests.factories import (
    EmployeeFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("participants:account_list")
LOG = reverse("audit:log")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin():
    return admin_user(username="sri.admin")


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def _detail_url(user):
    return reverse("participants:account_detail", args=[user.pk])


def _roles_url(user):
    return reverse("participants:account_roles", args=[user.pk])


def _active_url(user):
    return reverse("participants:account_active", args=[user.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _log_rows(client, **query) -> list[str]:
    html = client.get(LOG, query).content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


# Who may open the pages -------------------------------------------------------------------------


def _account_pages(user):
    return [
        ("get", LIST_URL, {}),
        ("get", _detail_url(user), {}),
        ("post", _roles_url(user), {"roles": [Role.ADMIN]}),
        ("post", _active_url(user), {"active": "0"}),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    person = UserFactory()

    for method, url, data in _account_pages(person):
        response = getattr(client, method)(url, data)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


@pytest.mark.parametrize(
    "make_user",
    [organiser_user, participant_user, UserFactory],
    ids=["organiser", "participant", "no-role"],
)
def test_everyone_but_the_staff_administrator_gets_403_and_changes_nothing(client, make_user):
    person = UserFactory(username="dedi", roles=[Role.PARTICIPANT])
    client.force_login(make_user())

    for method, url, data in _account_pages(person):
        response = getattr(client, method)(url, data)

        assert response.status_code == 403, url
    person.refresh_from_db()
    assert person.is_active
    assert user_roles(person) == {Role.PARTICIPANT}


def test_sync_roles_gives_the_staff_administrator_the_right_to_change_accounts():
    group = Group.objects.get(name=Role.ADMIN)
    group.permissions.clear()

    sync_roles(strict=True)

    change_user = Permission.objects.get(
        content_type__app_label="participants", codename="change_user"
    )
    assert change_user in group.permissions.all()
    assert not Group.objects.get(name=Role.ORGANISER).permissions.filter(pk=change_user.pk).exists()


def test_the_menu_shows_accounts_and_roles_to_the_staff_administrator_only(client):
    client.force_login(admin_user())
    assert "Akun dan peran" in client.get(reverse("home")).content.decode()

    client.force_login(organiser_user())
    assert "Akun dan peran" not in client.get(reverse("home")).content.decode()


# The list ---------------------------------------------------------------------------------------


def test_the_list_shows_name_username_email_roles_status_and_second_factor(admin_client, admin):
    nurse = participant_user()
    nurse.employee.name = "Sri Wahyuningsih"
    nurse.employee.save()
    organiser = organiser_user(username="hening", first_name="Hening", email="h@example.org")
    Authenticator.objects.create(user=organiser, type=Authenticator.Type.TOTP, data={})

    response = admin_client.get(LIST_URL)

    rows = {
        row["user"].username: (row["name"], row["role_labels"], row["user"].has_mfa)
        for row in response.context["rows"]
    }
    assert rows == {
        "sri.admin": ("", ["Admin kepegawaian"], False),
        "hening": ("Hening", ["Penyelenggara"], True),
        nurse.username: ("Sri Wahyuningsih", ["Peserta"], False),
    }
    html = response.content.decode()
    assert '<div class="table-wrap">' in html
    assert "h@example.org" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "hening"}, ["hening"]),
        ({"q": "widya"}, ["hening"]),
        ({"q": "dedi@"}, ["dedi"]),
        ({"role": Role.ORGANISER}, ["hening"]),
        ({"role": Role.ADMIN}, ["sri.admin"]),
        ({"role": "-"}, ["tanpa.peran"]),
    ],
)
def test_search_and_role_filter(admin_client, query, expected):
    organiser_user(username="hening", first_name="Hening", last_name="Widyaningrum")
    UserFactory(username="dedi", email="dedi@example.org", roles=[Role.PARTICIPANT])
    UserFactory(username="tanpa.peran")

    response = admin_client.get(LIST_URL, query)

    assert [row["user"].username for row in response.context["rows"]] == expected


def test_search_finds_a_person_by_nip_typed_with_spaces(admin_client):
    EmployeeFactory(nip="198609262015051001", user=UserFactory(username="198609262015051001"))

    response = admin_client.get(LIST_URL, {"q": "19860926 201505 1 001"})

    assert [row["user"].username for row in response.context["rows"]] == ["198609262015051001"]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_runs_the_same_number_of_queries_for_1_or_30_accounts(
    admin_client, django_assert_max_num_queries, rows
):
    for _i in range(rows):
        participant_user()
    current_office()
    admin_client.get(LIST_URL)  # warm the session

    # session, user, permissions (user, groups), roles for the menu, the count, the page,
    # the page's groups.
    with django_assert_max_num_queries(9):
        response = admin_client.get(LIST_URL)

    assert len(response.context["rows"]) == rows + 1


# Roles ------------------------------------------------------------------------------------------


def test_the_admin_gives_and_removes_roles_and_the_audit_log_says_who_did_it(admin_client):
    person = UserFactory(username="dedi", roles=[Role.PARTICIPANT])

    given = admin_client.post(_roles_url(person), {"roles": [Role.ORGANISER]}, follow=True)
    removed = admin_client.post(_roles_url(person), {"roles": []}, follow=True)

    assert _messages(given) == ["Peran telah disimpan."]
    assert _messages(removed) == ["Peran telah disimpan."]
    person = User.objects.get(pk=person.pk)
    assert user_roles(person) == {Role.PARTICIPANT}  # Peserta is not touched here
    entries = AuditEntry.objects.filter(target="dedi", actor_name="sri.admin").order_by("pk")
    assert [(e.action, e.actor_name, e.details) for e in entries] == [
        (AuditEntry.Action.ROLE_GIVEN, "sri.admin", {"roles": [Role.ORGANISER]}),
        (AuditEntry.Action.ROLE_REMOVED, "sri.admin", {"roles": [Role.ORGANISER]}),
    ]
    rows = _log_rows(admin_client, person="dedi")
    assert "Peran dicabut sri.admin dedi" in rows[0]
    assert "Peran diberikan sri.admin dedi" in rows[1]
    assert "peran: Penyelenggara" in rows[1]


def test_the_admin_makes_another_person_an_admin(admin_client):
    person = organiser_user(username="hening")

    admin_client.post(_roles_url(person), {"roles": [Role.ADMIN, Role.ORGANISER]})

    assert user_roles(User.objects.get(pk=person.pk)) == {Role.ADMIN, Role.ORGANISER}


def test_an_admin_cannot_remove_their_own_admin_role(admin_client, admin):
    response = admin_client.post(_roles_url(admin), {"roles": [Role.ORGANISER]}, follow=True)

    assert _messages(response) == [
        "Anda tidak dapat mencabut peran Admin kepegawaian Anda sendiri. Admin kepegawaian "
        "lain dapat melakukannya untuk Anda."
    ]
    assert user_roles(User.objects.get(pk=admin.pk)) == {Role.ADMIN}
    assert not AuditEntry.objects.filter(action__startswith="role_", actor=admin).exists()


def test_a_role_that_is_not_managed_here_is_refused(admin_client):
    person = UserFactory(username="dedi")

    response = admin_client.post(_roles_url(person), {"roles": [Role.PARTICIPANT]}, follow=True)

    assert _messages(response) == ["Pilih peran dari daftar."]
    assert user_roles(User.objects.get(pk=person.pk)) == set()


def test_an_admin_cannot_change_a_superusers_account(admin_client):
    boss = UserFactory(username="kepala", is_superuser=True, is_staff=True)

    page = admin_client.get(_detail_url(boss))
    response = admin_client.post(_active_url(boss), {"active": "0"}, follow=True)

    assert _roles_url(boss) not in page.content.decode()
    assert _messages(response) == ["Hanya superuser yang dapat mengubah akun superuser."]
    assert User.objects.get(pk=boss.pk).is_active


def test_changes_need_post_and_a_csrf_token(admin):
    person = UserFactory(username="dedi")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)

    assert client.get(_roles_url(person)).status_code == 405
    assert client.get(_active_url(person)).status_code == 405
    assert client.post(_active_url(person), {"active": "0"}).status_code == 403
    assert User.objects.get(pk=person.pk).is_active


# Deactivate and reactivate ----------------------------------------------------------------------


def test_the_admin_deactivates_an_account_which_then_cannot_log_in_and_reactivates_it(
    admin_client,
):
    person = UserFactory(username="dedi", roles=[Role.ORGANISER])
    browser = Client()
    browser.force_login(person)

    response = admin_client.post(_active_url(person), {"active": "0"}, follow=True)

    assert _messages(response) == ["Akun telah dinonaktifkan."]
    assert not User.objects.get(pk=person.pk).is_active
    assert browser.get(reverse("trainings:training_list")).status_code == 302  # logged out
    assert not Client().login(username="dedi", password="rahasia-123")

    response = admin_client.post(_active_url(person), {"active": "1"}, follow=True)

    assert _messages(response) == ["Akun telah diaktifkan kembali."]
    assert User.objects.get(pk=person.pk).is_active
    entries = AuditEntry.objects.filter(target="dedi", action__startswith="account_")
    assert [(e.action, e.actor_name) for e in entries.order_by("pk")] == [
        (AuditEntry.Action.ACCOUNT_DEACTIVATED, "sri.admin"),
        (AuditEntry.Action.ACCOUNT_REACTIVATED, "sri.admin"),
    ]


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    page = admin_client.get(_detail_url(admin))
    response = admin_client.post(_active_url(admin), {"active": "0"}, follow=True)

    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in page.content.decode()
    assert _messages(response) == ["Anda tidak dapat menonaktifkan akun Anda sendiri."]
    assert User.objects.get(pk=admin.pk).is_active
