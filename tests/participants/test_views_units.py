"""The unit pages: the staff administrator keeps the units and their other names in the app."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from office.selectors import current_office
from participants.models import Unit, UnitAlias
from participants.units import unit_lookup, unit_key
from tests.factories import (
    EmployeeFactory,
    TrainingFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("participants:unit_list")
ADD_URL = reverse("participants:unit_create")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def admin_client(client):
    client.force_login(admin_user(username="sri.admin"))
    return client


def _edit_url(unit):
    return reverse("participants:unit_edit", args=[unit.pk])


def _delete_url(unit):
    return reverse("participants:unit_delete", args=[unit.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _form(name, *, short_name="", kind="", parent="", aliases=""):
    return {
        "name": name,
        "short_name": short_name,
        "kind": kind,
        "parent": parent,
        "aliases": aliases,
    }


# Who may open the pages -------------------------------------------------------------------------


def _unit_pages(unit):
    return [
        ("get", LIST_URL),
        ("get", ADD_URL),
        ("post", ADD_URL),
        ("get", _edit_url(unit)),
        ("post", _edit_url(unit)),
        ("get", _delete_url(unit)),
        ("post", _delete_url(unit)),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    unit = UnitFactory()

    for method, url in _unit_pages(unit):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


@pytest.mark.parametrize(
    "make_user",
    [organiser_user, participant_user, UserFactory],
    ids=["organiser", "participant", "no-role"],
)
def test_everyone_but_the_staff_administrator_gets_403(client, make_user):
    unit = UnitFactory(name="Kelurahan Cacaban")
    client.force_login(make_user())

    for method, url in _unit_pages(unit):
        response = getattr(client, method)(url)

        assert response.status_code == 403, url
    assert Unit.objects.filter(name="Kelurahan Cacaban").exists()


def test_the_menu_shows_units_to_the_staff_administrator_only(client):
    client.force_login(admin_user())
    assert LIST_URL in client.get(reverse("home")).content.decode()

    client.force_login(organiser_user())
    assert LIST_URL not in client.get(reverse("home")).content.decode()


# The list ---------------------------------------------------------------------------------------


def test_the_list_shows_name_short_name_parent_employee_count_and_other_names(admin_client):
    parent = UnitFactory(name="Kecamatan Magelang Utara", short_name="")
    unit = UnitFactory(name="Kelurahan Kramat Utara", short_name="KRAMUT", parent=parent)
    UnitAlias.objects.create(name="KEL KRAMAT UTR", key=unit_key("KEL KRAMAT UTR"), unit=unit)
    EmployeeFactory.create_batch(2, unit=unit)

    response = admin_client.get(LIST_URL)

    rows = {
        row.name: (row.short_name, getattr(row.parent, "name", ""), row.employee_count,
                   [alias.name for alias in row.aliases.all()])
        for row in response.context["page"].object_list
    }
    assert rows == {
        "Kecamatan Magelang Utara": ("", "", 0, []),
        "Kelurahan Kramat Utara": ("KRAMUT", "Kecamatan Magelang Utara", 2, ["KEL KRAMAT UTR"]),
    }
    html = response.content.decode()
    assert "KEL KRAMAT UTR" in html
    assert '<div class="table-wrap">' in html


@pytest.mark.parametrize("typed", ["kramat", "KRAMUT", "kramat utr"])
def test_search_finds_a_unit_by_name_short_name_or_other_name(admin_client, typed):
    unit = UnitFactory(name="Kelurahan Kramat Utara", short_name="KRAMUT")
    UnitAlias.objects.create(name="KEL KRAMAT UTR", key=unit_key("KEL KRAMAT UTR"), unit=unit)
    UnitFactory(name="Kelurahan Cacaban")

    response = admin_client.get(LIST_URL, {"q": typed})

    assert [u.name for u in response.context["page"].object_list] == ["Kelurahan Kramat Utara"]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_runs_the_same_number_of_queries_for_1_or_30_units(
    admin_client, django_assert_max_num_queries, rows
):
    parent = UnitFactory(name="Kecamatan Induk")
    for index in range(rows):
        unit = UnitFactory(parent=parent)
        UnitAlias.objects.create(name=f"Alias {index}", key=f"alias {index}", unit=unit)
        EmployeeFactory(unit=unit)
    current_office()
    admin_client.get(LIST_URL)  # warm the session

    # session, user, permissions (user, groups), roles for the menu, the count, the page,
    # the aliases of the page's units.
    with django_assert_max_num_queries(9):
        response = admin_client.get(LIST_URL)

    assert len(response.context["page"].object_list) == rows + 1


# Add and edit -----------------------------------------------------------------------------------


def test_the_admin_adds_a_unit_with_another_name_that_the_import_then_recognises(admin_client):
    parent = UnitFactory(name="Kecamatan Magelang Tengah")

    response = admin_client.post(
        ADD_URL,
        _form(
            "Kelurahan  Cacaban",
            short_name="CCB",
            parent=parent.pk,
            aliases="KEL. CACABAN MGL\n\nkel cacaban  mgl",  # the same name twice
        ),
        follow=True,
    )

    unit = Unit.objects.get(name="Kelurahan Cacaban")
    assert (unit.short_name, unit.parent, unit.kind) == ("CCB", parent, Unit.Kind.KELURAHAN)
    assert list(unit.aliases.values_list("name", "created_by__username")) == [
        ("KEL. CACABAN MGL", "sri.admin")
    ]
    assert _messages(response) == ["Unit kerja Kelurahan Cacaban telah ditambahkan."]
    assert unit_lookup()[0][unit_key("kelurahan cacaban mgl")] == unit.pk


def test_an_other_name_that_stands_for_another_unit_is_refused_in_indonesian(admin_client):
    other = UnitFactory(name="Kelurahan Kramat Utara")
    UnitAlias.objects.create(name="KRAMAT UTR", key=unit_key("KRAMAT UTR"), unit=other)

    response = admin_client.post(
        ADD_URL, _form("Kelurahan Cacaban", aliases="Cacaban\nkramat  utr")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["aliases"] == [
        "“kramat utr” sudah dipakai untuk unit kerja lain: Kelurahan Kramat Utara."
    ]
    assert not Unit.objects.filter(name="Kelurahan Cacaban").exists()  # nothing half-saved


def test_an_other_name_that_is_another_units_own_name_is_refused(admin_client):
    UnitFactory(name="Kelurahan Kramat Utara")

    response = admin_client.post(ADD_URL, _form("Kelurahan Cacaban", aliases="KEL. KRAMAT UTARA"))

    assert response.context["form"].errors["aliases"] == [
        "“KEL. KRAMAT UTARA” sudah dipakai untuk unit kerja lain: Kelurahan Kramat Utara."
    ]


@pytest.mark.parametrize("typed", ["Kelurahan Cacaban", "KEL. CACABAN", "kelurahan  cacaban"])
def test_a_name_another_unit_already_has_is_refused_in_indonesian(admin_client, typed):
    UnitFactory(name="Kelurahan Cacaban")

    response = admin_client.post(ADD_URL, _form(typed))

    assert response.context["form"].errors["name"] == [
        "Unit kerja lain sudah memakai nama ini: Kelurahan Cacaban."
    ]
    assert Unit.objects.count() == 1


def test_the_admin_renames_a_unit_and_changes_its_other_names(admin_client):
    unit = UnitFactory(name="Kelurahan Cacaban", kind=Unit.Kind.KELURAHAN)
    for name in ("CACABAN", "KEL CCB"):
        UnitAlias.objects.create(name=name, key=unit_key(name), unit=unit)
    page = admin_client.get(_edit_url(unit))
    assert page.context["form"].initial["aliases"] == "CACABAN\nKEL CCB"

    response = admin_client.post(
        _edit_url(unit),
        _form(
            "Kelurahan Cacaban Baru",
            short_name="CCB",
            kind="kelurahan",
            aliases="CACABAN\nCCB Baru",
        ),
    )

    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.short_name) == ("Kelurahan Cacaban Baru", "CCB")
    assert sorted(unit.aliases.values_list("name", flat=True)) == ["CACABAN", "CCB Baru"]


def test_a_unit_cannot_be_placed_under_its_own_sub_unit(admin_client):
    unit = UnitFactory(name="Kecamatan Magelang Utara")
    child = UnitFactory(name="Kelurahan Kramat Utara", parent=unit)

    response = admin_client.post(_edit_url(unit), _form(unit.name, parent=child.pk))

    assert response.context["form"].errors["parent"] == [
        "Unit kerja tidak dapat ditempatkan di bawah dirinya sendiri atau di bawah salah satu "
        "sub-unitnya."
    ]
    unit.refresh_from_db()
    assert unit.parent is None


# Delete -----------------------------------------------------------------------------------------


def test_the_admin_deletes_a_unit_nobody_uses(admin_client):
    unit = UnitFactory(name="Kelurahan Lama")
    UnitAlias.objects.create(name="KEL LAMA", key="kel lama", unit=unit)

    assert admin_client.get(_delete_url(unit)).status_code == 200
    response = admin_client.post(_delete_url(unit), follow=True)

    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert not UnitAlias.objects.exists()
    assert _messages(response) == ["Unit kerja Kelurahan Lama telah dihapus."]


def test_a_unit_with_employees_or_sub_units_is_not_deleted_and_the_admin_is_told_why(admin_client):
    unit = UnitFactory(name="Kecamatan Magelang Utara")
    EmployeeFactory.create_batch(2, unit=unit)
    UnitFactory(name="Kelurahan Kramat Utara", parent=unit)

    page = admin_client.get(_delete_url(unit))
    response = admin_client.post(_delete_url(unit), follow=True)

    assert "2 pegawai bekerja di unit ini" in page.content.decode()
    assert Unit.objects.filter(pk=unit.pk).exists()
    assert _messages(response) == [
        "Kecamatan Magelang Utara tidak dapat dihapus: 2 pegawai bekerja di unit ini; 1 unit "
        "kerja berada di bawahnya. Pindahkan dulu ke unit kerja lain."
    ]


def test_a_unit_that_organises_a_training_is_not_deleted(admin_client):
    unit = UnitFactory(name="BKPSDM")
    TrainingFactory(organiser_unit=unit)

    response = admin_client.post(_delete_url(unit), follow=True)

    assert Unit.objects.filter(pk=unit.pk).exists()
    assert _messages(response) == [
        "BKPSDM tidak dapat dihapus: data lain, misalnya pelatihan, masih merujuk ke unit kerja "
        "ini."
    ]


def test_unit_pages_accept_only_get_and_post(admin_client):
    unit = UnitFactory()
    assert admin_client.put(_edit_url(unit)).status_code == 405
    assert admin_client.post(LIST_URL).status_code == 405
