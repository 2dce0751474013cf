"""The staff directory pages: list, search, filters, detail, create, edit and export."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse

from office.selectors import current_office
from participants.models import Employee, Unit
from tests.factories import (
    EmployeeFactory,
    NonAsnEmployeeFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    organiser_user,
    participant_user,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("participants:employee_list")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _names(response) -> list[str]:
    return [employee.name for employee in response.context["page"].object_list]


# Who may open which page ------------------------------------------------------------------------


def _directory_pages(employee):
    return [
        ("get", LIST_URL),
        ("get", reverse("participants:employee_detail", args=[employee.pk])),
        ("get", reverse("participants:employee_create")),
        ("get", reverse("participants:employee_edit", args=[employee.pk])),
        ("get", reverse("participants:employee_export") + "?format=csv"),
        ("post", reverse("participants:activation_slip", args=[employee.pk])),
        ("post", reverse("participants:activation_slips")),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    employee = EmployeeFactory()

    for method, url in _directory_pages(employee):
        response = getattr(client, method)(url)

        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


@pytest.mark.parametrize(
    "make_user", [participant_user, UserFactory], ids=["participant", "no-role"]
)
def test_participants_get_403_on_every_directory_page(client, make_user):
    employee = EmployeeFactory()
    client.force_login(make_user())

    for method, url in _directory_pages(employee):
        response = getattr(client, method)(url)

        assert response.status_code == 403, url


def test_a_participant_cannot_open_another_participants_entry(client):
    me, other = participant_user(), participant_user()
    client.force_login(me)

    response = client.get(reverse("participants:employee_detail", args=[other.employee.pk]))

    assert response.status_code == 403
    assert other.employee.name not in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "status"),
    [("employee_create", 403), ("employee_edit", 403)],
)
def test_organisers_may_read_but_not_write(client, url_name, status):
    employee = EmployeeFactory()
    client.force_login(organiser_user())
    args = [] if url_name == "employee_create" else [employee.pk]

    response = client.get(reverse(f"participants:{url_name}", args=args))

    assert response.status_code == status


# List -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make_user", [admin_user, organiser_user], ids=["admin", "organiser"])
def test_the_list_shows_names_with_titles_grouped_nips_and_masked_niks(client, make_user):
    EmployeeFactory(
        gelar_depan="Dr.", name="Budi Santoso", gelar_belakang="S.Sos., M.Si.",
        nip="198609262015051001",
    )
    NonAsnEmployeeFactory(name="Citra Lestari", nik="3371014309950002")
    client.force_login(make_user())

    response = client.get(LIST_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dr. Budi Santoso, S.Sos., M.Si." in html
    assert "19860926 201505 1 001" in html
    assert "3371**********02" in html
    assert "3371014309950002" not in html
    assert "2 orang ditemukan" in html


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_runs_the_same_number_of_queries_for_1_or_30_rows(
    client, django_assert_num_queries, rows
):
    unit = UnitFactory()
    for _i in range(rows):
        EmployeeFactory(unit=unit, user=UserFactory())
    client.force_login(admin_user())

    # session, user, the user's and their groups' permissions, roles for the menu, the
    # person's own entry for the menu, the count, the page of rows, the units for the filter;
    # the office profile comes from the cache, as after the first request.
    current_office()
    with django_assert_num_queries(8):
        response = client.get(LIST_URL + "?status=pns")

    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize(
    "typed",
    ["19860926 201505 1 001", "19860926.201505.1.001", "NIP. 198609262015051001", "201505 1 001"],
)
def test_search_finds_a_nip_typed_with_spaces_dots_or_prefix(client, typed):
    EmployeeFactory(name="Budi Santoso", nip="198609262015051001")
    EmployeeFactory(name="Sari Wulandari", nip="199001012015052001")
    client.force_login(organiser_user())

    response = client.get(LIST_URL, {"q": typed})

    assert _names(response) == ["Budi Santoso"]


def test_search_by_name_matches_every_word_in_any_case(client):
    EmployeeFactory(name="Budi Santoso")
    EmployeeFactory(name="Budi Hartono")
    EmployeeFactory(name="Santoso Wibowo")
    client.force_login(organiser_user())

    response = client.get(LIST_URL, {"q": "santoso budi"})

    assert _names(response) == ["Budi Santoso"]


def test_search_finds_a_non_asn_by_full_nik(client):
    NonAsnEmployeeFactory(name="Citra Lestari", nik="3371014309950002")
    client.force_login(admin_user())

    response = client.get(LIST_URL, {"q": "3371 0143 0995 0002"})

    assert _names(response) == ["Citra Lestari"]


@pytest.fixture
def varied_directory():
    rsud = UnitFactory(name="RSUD Tidar", kind=Unit.Kind.RUMAH_SAKIT)
    kelurahan = UnitFactory(name="Kelurahan Kemirirejo", kind=Unit.Kind.KELURAHAN)
    EmployeeFactory(name="Ani", unit=rsud, golongan="III/a", is_frontline=True)
    EmployeeFactory(name="Bayu", unit=rsud, golongan="II/c", is_frontline=False)
    EmployeeFactory(
        name="Candra", unit=kelurahan, status=Employee.Status.PPPK, golongan="IX",
        nip="199001012022211001", is_frontline=False,
    )
    NonAsnEmployeeFactory(name="Dewi", unit=kelurahan, is_frontline=True)
    return {"rsud": rsud, "kelurahan": kelurahan}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Ani", "Bayu", "Candra", "Dewi"]),
        ({"unit_kind": "kelurahan"}, ["Candra", "Dewi"]),
        ({"golongan": "II/c"}, ["Bayu"]),
        ({"status": "pppk"}, ["Candra"]),
        ({"status": "non_asn"}, ["Dewi"]),
        ({"frontline": "ya"}, ["Ani", "Dewi"]),
        ({"frontline": "tidak"}, ["Bayu", "Candra"]),
        ({"frontline": "ya", "unit_kind": "rumah_sakit"}, ["Ani"]),
    ],
)
def test_filters_narrow_the_list(client, varied_directory, params, expected):
    client.force_login(organiser_user())

    response = client.get(LIST_URL, params)

    assert _names(response) == expected


def test_filter_by_unit(client, varied_directory):
    client.force_login(organiser_user())

    response = client.get(LIST_URL, {"unit": varied_directory["rsud"].pk})

    assert _names(response) == ["Ani", "Bayu"]


def test_the_list_pages_by_50_and_keeps_the_filters_in_page_links(client):
    unit = UnitFactory()
    for _i in range(51):
        EmployeeFactory(unit=unit)
    client.force_login(organiser_user())

    first = client.get(LIST_URL, {"unit": unit.pk})
    second = client.get(LIST_URL, {"unit": unit.pk, "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 1
    assert f'href="?unit={unit.pk}&amp;page=2"' in first.content.decode()
    assert "Halaman 1 dari 2" in first.content.decode()


def test_an_empty_result_says_so(client):
    client.force_login(organiser_user())

    response = client.get(LIST_URL, {"q": "Tidak Ada Orang Ini"})

    assert "Tidak ada yang cocok dengan pencarian ini." in response.content.decode()


@pytest.mark.parametrize(
    ("make_user", "sees_add", "sees_export", "sees_slips"),
    [(admin_user, True, True, True), (organiser_user, False, True, True)],
    ids=["admin", "organiser"],
)
def test_the_list_offers_each_role_its_buttons(
    client, make_user, sees_add, sees_export, sees_slips
):
    EmployeeFactory()
    client.force_login(make_user())

    html = client.get(LIST_URL).content.decode()

    assert ("Tambah pegawai" in html) is sees_add
    assert ("Unduh XLSX" in html and "Unduh CSV" in html) is sees_export
    assert ("Cetak slip kode aktivasi untuk yang dicentang" in html) is sees_slips


# Export -----------------------------------------------------------------------------------------


def test_csv_export_holds_only_the_filtered_rows(client, varied_directory):
    client.force_login(organiser_user())

    response = client.get(
        reverse("participants:employee_export"), {"format": "csv", "unit_kind": "rumah_sakit"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="pegawai-\d{4}-\d{2}-\d{2}\.csv"',
                    response["Content-Disposition"])
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    names = sorted(row[rows[0].index("Nama")] for row in rows[1:])
    assert names == ["Ani", "Bayu"]


def test_xlsx_export_is_a_workbook_of_the_filtered_rows(client, varied_directory):
    client.force_login(admin_user())

    response = client.get(
        reverse("participants:employee_export"), {"format": "xlsx", "status": "pppk"}
    )

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    name_column = rows[0].index("Nama")
    assert [row[name_column] for row in rows[1:]] == ["Candra"]


def test_an_unknown_export_format_is_404(client):
    client.force_login(admin_user())

    response = client.get(reverse("participants:employee_export"), {"format": "pdf"})

    assert response.status_code == 404


# Detail -----------------------------------------------------------------------------------------


def test_the_detail_page_shows_what_the_nip_encodes(client):
    employee = EmployeeFactory(
        name="Sari Wulandari", nip="199203142019032005", golongan="III/b",
        jabatan="Perawat Terampil",
    )
    client.force_login(organiser_user())

    response = client.get(employee.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "1992" in html and "14 Maret 1992" in html
    assert "Perempuan" in html
    assert "Penata Muda Tingkat I, III/b" in html
    assert "19920314 201903 2 005" in html
    assert "belum ada akun" in html


@pytest.mark.parametrize(
    ("make_user", "shown", "hidden"),
    [
        (admin_user, "3371014309950002", "3371**********02"),
        (organiser_user, "3371**********02", "3371014309950002"),
    ],
    ids=["admin-sees-full-nik", "organiser-sees-masked-nik"],
)
def test_only_admins_see_the_full_nik(client, make_user, shown, hidden):
    employee = NonAsnEmployeeFactory(nik="3371014309950002")
    client.force_login(make_user())

    html = client.get(employee.get_absolute_url()).content.decode()

    assert shown in html
    assert hidden not in html


def test_an_unknown_entry_is_404(client):
    client.force_login(organiser_user())

    response = client.get(reverse("participants:employee_detail", args=[999999]))

    assert response.status_code == 404


# Create and edit --------------------------------------------------------------------------------


def _form_data(unit, **overrides):
    data = {
        "status": "pns",
        "nip": "19860926 201505 1 001",
        "nik": "",
        "gelar_depan": "",
        "name": "Budi Santoso",
        "gelar_belakang": "S.Kom.",
        "golongan": "III/a",
        "jabatan": "Pranata Komputer",
        "unit": unit.pk,
        "email": "",
        "phone": "",
        "is_frontline": "on",
    }
    data.update(overrides)
    return data


def test_an_admin_adds_a_person_with_a_nip_typed_in_groups(client):
    unit = UnitFactory()
    client.force_login(admin_user())

    response = client.post(reverse("participants:employee_create"), _form_data(unit))

    employee = Employee.objects.get()
    assert response.status_code == 302
    assert response["Location"] == employee.get_absolute_url()
    assert employee.nip == "198609262015051001"
    assert employee.full_name == "Budi Santoso, S.Kom."
    assert employee.is_frontline is True
    follow = client.get(response["Location"])
    assert "Budi Santoso, S.Kom. telah ditambahkan ke direktori." in follow.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"status": "non_asn", "nip": "", "golongan": ""},
            "nik",
            "Pegawai non-ASN wajib memiliki NIK.",
        ),
        ({"nip": ""}, "nip", "ASN wajib memiliki NIP."),
        (
            {"golongan": "IX"},
            "golongan",
            "Golongan ruang PNS atau CPNS adalah I/a sampai IV/e, bukan IX.",
        ),
        (
            {"status": "pppk", "golongan": "IX"},
            "nip",
            "Status PPPK tidak sesuai dengan NIP, yang merupakan nomor PNS.",
        ),
        (
            {"status": "non_asn", "nik": "3371012609860001", "golongan": ""},
            "nip",
            "Pegawai non-ASN tidak memiliki NIP. Kosongkan NIP dan isi NIK.",
        ),
    ],
    ids=["non-asn-needs-nik", "asn-needs-nip", "golongan-vs-status", "nip-kind", "non-asn-nip"],
)
def test_the_form_explains_inconsistent_data_in_indonesian(client, overrides, field, message):
    unit = UnitFactory()
    client.force_login(admin_user())

    response = client.post(reverse("participants:employee_create"), _form_data(unit, **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Employee.objects.exists()


def test_a_duplicate_nip_is_refused_on_the_field(client):
    unit = UnitFactory()
    EmployeeFactory(nip="198609262015051001")
    client.force_login(admin_user())

    response = client.post(reverse("participants:employee_create"), _form_data(unit))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["nip"]
    assert Employee.objects.count() == 1


def test_an_admin_edits_an_entry(client):
    employee = EmployeeFactory(name="Budi", golongan="III/a", nip="198609262015051001")
    client.force_login(admin_user())
    url = reverse("participants:employee_edit", args=[employee.pk])

    form_page = client.get(url)
    response = client.post(url, _form_data(employee.unit, name="Budi Santoso", golongan="III/b"))

    assert form_page.context["form"].initial["name"] == "Budi"
    assert response.status_code == 302
    employee.refresh_from_db()
    assert (employee.name, employee.golongan) == ("Budi Santoso", "III/b")


def test_an_invalid_edit_changes_nothing(client):
    employee = EmployeeFactory(name="Budi", nip="198609262015051001")
    client.force_login(admin_user())

    response = client.post(
        reverse("participants:employee_edit", args=[employee.pk]),
        _form_data(employee.unit, name="Budi Baru", status="pppk"),
    )

    assert response.status_code == 200
    employee.refresh_from_db()
    assert employee.name == "Budi"
