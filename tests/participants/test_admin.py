"""The staff directory's Django admin: lists, forms, export, and what each role may do there."""

import csv
import datetime
import io
import re
import secrets

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from participants.models import ActivationCode, Employee, StaffListImport, Unit
from participants.nip import format_nip
from tests.participants.test_views_import import table_rows
from tests.factories import (
    EmployeeFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    nip_for,
    organiser_user,
    pppk_nip_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def make_units(count):
    parent = UnitFactory(name="Dinas Kesehatan", kind=Unit.Kind.DINAS)
    for n in range(count):
        unit = UnitFactory(name=f"Puskesmas {n}", kind=Unit.Kind.PUSKESMAS, parent=parent)
        EmployeeFactory(unit=unit)


def make_employees(count):
    for n in range(count):
        user = UserFactory() if n % 2 else None
        EmployeeFactory(unit=UnitFactory(name=f"Kelurahan {n % 3}"), user=user)


def make_users(count):
    for n in range(count):
        user = UserFactory()
        if n % 2:
            EmployeeFactory(user=user)


def make_codes(count):
    for _n in range(count):
        ActivationCode.objects.create(
            user=UserFactory(),
            code_hash=secrets.token_hex(32),
            created_by=UserFactory(),
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )


def make_imports(count):
    user = UserFactory()
    for n in range(count):
        StaffListImport.objects.create(
            original_filename=f"pegawai-{n}.csv",
            status=StaffListImport.Status.DONE,
            confirmed_at=timezone.now(),
            report={"counts": {"new": n, "updated": 0, "unchanged": 0, "invalid": 0}},
            created_by=user,
        )
    # One check whose worker stopped an hour ago: the list says so from the row itself.
    StaffListImport.objects.create(
        original_filename="terhenti.csv",
        status=StaffListImport.Status.VALIDATING,
        file_digest=f"stopped-{count}",
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
        created_by=user,
    )


CHANGELISTS = {
    "unit": make_units,
    "employee": make_employees,
    "user": make_users,
    "activationcode": make_codes,
    "stafflistimport": make_imports,
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_run_the_same_queries_for_1_and_30_rows(model, superuser_client):
    url = reverse(f"admin:participants_{model}_changelist")
    CHANGELISTS[model](1)
    one = count_queries(superuser_client, url)
    CHANGELISTS[model](29)

    thirty = count_queries(superuser_client, url)

    assert thirty == one


def test_the_unit_list_shows_parent_and_employee_count(superuser_client):
    make_units(2)

    response = superuser_client.get(reverse("admin:participants_unit_changelist"))

    with translation.override("id"):
        dinas, puskesmas = str(Unit.Kind.DINAS.label), str(Unit.Kind.PUSKESMAS.label)
    assert table_rows(response, "results") == [
        ["", "Dinas Kesehatan", "-", dinas, "-", "0"],
        ["", "Puskesmas 0", "-", puskesmas, "Dinas Kesehatan", "1"],
        ["", "Puskesmas 1", "-", puskesmas, "Dinas Kesehatan", "1"],
    ]


def test_the_employee_list_shows_titles_and_the_grouped_nip(superuser_client):
    EmployeeFactory(
        nip=nip_for(1), gelar_depan="Dr.", name="Budi Santoso", gelar_belakang="S.Sos., M.Si."
    )

    response = superuser_client.get(reverse("admin:participants_employee_changelist"))

    page = response.content.decode()
    assert "Dr. Budi Santoso, S.Sos., M.Si." in page
    assert format_nip(nip_for(1)) in page


def test_the_employee_search_finds_a_nip_typed_with_spaces_and_prefix(superuser_client):
    wanted = EmployeeFactory(nip=nip_for(1), name="Budi Santoso")
    EmployeeFactory(nip=nip_for(2), name="Siti Aminah")

    response = superuser_client.get(
        reverse("admin:participants_employee_changelist"),
        {"q": "NIP. " + format_nip(nip_for(1))},
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_the_employee_form_shows_what_the_nip_encodes_and_refuses_a_bad_nip(
    superuser_client,
):
    employee = EmployeeFactory(nip="198609262015052001", name="Siti Aminah")
    url = reverse("admin:participants_employee_change", args=[employee.pk])

    page = superuser_client.get(url).content.decode()
    assert "26 September 1986" in page
    assert "Perempuan" in page

    response = superuser_client.post(
        url,
        {
            "nip": "1,98609E+17",
            "name": "Siti Aminah",
            "status": "pns",
            "golongan": "III/a",
            "unit": employee.unit.pk,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["nip"]
    employee.refresh_from_db()
    assert employee.nip == "198609262015052001"


def test_the_employee_form_refuses_a_pppk_number_for_a_pns_as_the_directory_does(
    superuser_client,
):
    unit = UnitFactory()

    response = superuser_client.post(
        reverse("admin:participants_employee_add"),
        {
            "nip": pppk_nip_for(1),
            "name": "Budi Santoso",
            "status": "pns",
            "golongan": "III/a",
            "unit": unit.pk,
        },
    )

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["nip"]
    assert "Status PNS tidak sesuai dengan NIP, yang merupakan nomor PPPK." in response.content.decode()
    assert not Employee.objects.filter(name="Budi Santoso").exists()


def test_the_employee_form_saves_a_pppk_with_their_number_and_golongan(superuser_client):
    unit = UnitFactory()

    response = superuser_client.post(
        reverse("admin:participants_employee_add"),
        {
            "nip": pppk_nip_for(1),
            "name": "Budi Santoso",
            "status": "pppk",
            "golongan": "IX",
            "unit": unit.pk,
        },
    )

    assert response.status_code == 302
    saved = Employee.objects.get(name="Budi Santoso")
    assert (saved.nip, saved.nik, saved.status, saved.golongan) == (
        pppk_nip_for(1),
        None,
        Employee.Status.PPPK,
        "IX",
    )


def test_the_employee_list_offers_the_import_to_those_allowed(superuser_client):
    response = superuser_client.get(reverse("admin:participants_employee_changelist"))

    page = response.content.decode()
    assert (
        f'<a href="{reverse("participants:import")}" class="addlink">'
        "Impor daftar pegawai</a>" in page
    )


def test_the_employee_list_links_the_export_with_the_current_filter(superuser_client):
    response = superuser_client.get(
        reverse("admin:participants_employee_changelist"), {"status__exact": "pppk"}
    )

    export_url = reverse("admin:participants_employee_export") + "?status__exact=pppk"
    assert f'<a href="{export_url}" class="export_link">Ekspor</a>' in response.content.decode()


@pytest.mark.parametrize(
    "make_user",
    [admin_user, lambda: UserFactory(is_staff=True)],
    ids=["staff-administrator", "staff"],
)
def test_the_django_admin_is_for_superusers_only(make_user):
    viewer = make_user()
    viewer.user_permissions.add(Permission.objects.get(codename="view_employee"))
    client = Client()
    client.force_login(viewer)

    response = client.get(reverse("admin:participants_employee_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_export_returns_the_filtered_staff_as_xlsx(superuser_client):
    unit = UnitFactory(name="Kelurahan Cacaban")
    EmployeeFactory(nip=nip_for(1), name="Budi Santoso", unit=unit, golongan="III/b")
    EmployeeFactory(nip=nip_for(2), name="Siti Aminah", unit=unit, status="cpns")
    url = reverse("admin:participants_employee_export") + "?status__exact=pns"

    form = superuser_client.get(url)
    response = superuser_client.post(url, {"format": "0", "resource": "0"})

    assert form.status_code == 200
    assert "Berkas berisi pegawai yang tampil menurut pencarian dan filter saat ini" in (
        form.content.decode()
    )
    assert '<input type="submit" class="default" value="Ekspor">' in form.content.decode()
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="daftar-pegawai-{timezone.localdate().isoformat()}.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["NIP", "Gelar Depan", "Nama", "Gelar Belakang"]
    assert [(row[0], row[2]) for row in rows[1:]] == [(nip_for(1), "Budi Santoso")]


def test_the_admin_export_as_csv(superuser_client):
    EmployeeFactory(nip=nip_for(1), name="Budi Santoso")
    url = reverse("admin:participants_employee_export")

    response = superuser_client.post(url, {"format": "1", "resource": "0"})

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [(row[0], row[2]) for row in rows[1:]] == [(format_nip(nip_for(1)), "Budi Santoso")]


def test_export_needs_a_superuser():
    client = Client()
    client.force_login(admin_user())

    response = client.post(
        reverse("admin:participants_employee_export"), {"format": "0", "resource": "0"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+=")
INLINE_STYLE = re.compile(r"\sstyle=")


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:participants_employee_changelist",
        "admin:participants_employee_export",
        "admin:participants_employee_add",
        "admin:participants_unit_changelist",
        "admin:participants_stafflistimport_changelist",
    ],
)
def test_admin_pages_carry_no_inline_script_or_style(url_name, superuser_client):
    EmployeeFactory()

    response = superuser_client.get(reverse(url_name))

    page = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert INLINE_SCRIPT.findall(page) == []
    assert INLINE_HANDLER.findall(page) == []
    assert INLINE_STYLE.findall(page) == []


def test_an_activation_code_shows_its_record_but_never_its_hash(superuser_client):
    code = ActivationCode.objects.create(
        user=UserFactory(username="198609262015051001"),
        code_hash="f" * 64,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )

    listing = superuser_client.get(reverse("admin:participants_activationcode_changelist"))
    detail = superuser_client.get(
        reverse("admin:participants_activationcode_change", args=[code.pk])
    )

    for response in (listing, detail):
        assert response.status_code == 200
        assert "f" * 64 not in response.content.decode()
    assert "198609262015051001" in detail.content.decode()
    assert superuser_client.get(
        reverse("admin:participants_activationcode_add")
    ).status_code == 403


def test_past_imports_are_read_only_and_link_to_their_page(superuser_client):
    staff_import = StaffListImport.objects.create(
        original_filename="pegawai.csv",
        status=StaffListImport.Status.DONE,
        confirmed_at=timezone.now(),
        report={"counts": {"new": 12000, "updated": 1, "unchanged": 0, "invalid": 2}},
    )

    listing = superuser_client.get(reverse("admin:participants_stafflistimport_changelist"))
    add = superuser_client.get(reverse("admin:participants_stafflistimport_add"))

    page = listing.content.decode()
    assert '<td class="field-status_column">Selesai</td>' in page
    status_url = reverse("participants:import_status", args=[staff_import.pk])
    assert f'<a href="{status_url}">pegawai.csv</a>' in page
    assert "12.000 baru, 1 diperbarui, 0 tidak berubah, 2 tidak valid" in page
    assert add.status_code == 403


def test_the_user_admin_lists_accounts_with_their_employee(superuser_client):
    user = UserFactory(username="198609262015051001")
    EmployeeFactory(nip="198609262015051001", name="Budi Santoso", user=user)

    response = superuser_client.get(reverse("admin:participants_user_changelist"))

    assert response.status_code == 200
    assert "Budi Santoso" in response.content.decode()


def test_an_organiser_does_not_reach_the_admin():
    client = Client()
    client.force_login(organiser_user())

    response = client.get(reverse("admin:participants_employee_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
