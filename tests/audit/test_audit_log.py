"""The audit log: what the staff administrator reads of sign-ins and sensitive actions."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import MultiWidget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import record
from certificates import services as certificate_services
from certificates.models import Certificate
from core.roles import Role
from participants import services_import
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.factories import (
    EmployeeFactory,
    UnitFactory,
    UserFactory,
    admin_user,
    nip_for,
    organiser_user,
    participant_user,
)

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/131"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # login rate-limit counters
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


def _rows(html: str) -> list[str]:
    """Return the text of each row of the log's table, tags and runs of spaces removed."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_failed_and_successful_logins_appear_with_the_username_tried_address_and_browser(
    admin_client,
):
    organiser_user(username="rina.penyelenggara")
    visitor = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="10.1.2.3")

    visitor.post(reverse("account_login"), {"login": "rina.penyelenggara", "password": "salah"})
    visitor.post(reverse("account_login"), {"login": "tidak.ada", "password": "salah"})
    visitor.post(
        reverse("account_login"), {"login": "rina.penyelenggara", "password": "rahasia-123"}
    )

    rows = _rows(admin_client.get(LOG, {"action": ""}).content.decode())
    assert rows[0].split(" ", 4)[4].startswith(
        "Berhasil masuk rina.penyelenggara rina.penyelenggara 10.1.2.3"
    )
    assert "Gagal masuk tidak.ada tidak.ada 10.1.2.3" in rows[1]
    assert "Gagal masuk rina.penyelenggara rina.penyelenggara 10.1.2.3" in rows[2]
    assert BROWSER in rows[0]
    failed = AuditEntry.objects.filter(action="login_failed").order_by("pk")
    assert [(e.actor_id, e.actor_name) for e in failed] == [
        (None, "rina.penyelenggara"),
        (None, "tidak.ada"),
    ]


def test_an_activation_code_printed_by_an_organiser_appears(admin_client):
    organiser = organiser_user(username="rina.penyelenggara")
    employee = EmployeeFactory(name="Budi Santoso", nip=nip_for(7))
    client = Client()
    client.force_login(organiser)

    client.post(reverse("participants:activation_slip", args=[employee.pk]))

    response = admin_client.get(LOG, {"action": "activation_code_issued"})
    assert _rows(response.content.decode())[0].split(" ", 4)[4] == (
        f"Kode aktivasi diterbitkan rina.penyelenggara {nip_for(7)} · Budi Santoso "
        f"{nip_for(7)} 127.0.0.1"
    )


def test_a_revocation_and_a_re_issue_appear_with_their_reasons(admin_client):
    organiser = organiser_user(username="rina.penyelenggara")
    CertificateSettingsFactory()
    training = finished_training(participants=1)
    certificate_services.issue_for_training(training=training)
    certificate = Certificate.objects.get()
    client = Client()
    client.force_login(organiser)

    client.post(reverse("certificates:revoke", args=[certificate.pk]), {"reason": "Tidak berhak"})
    client.post(
        reverse("certificates:reissue_revoked", args=[certificate.pk]), {"reason": "Banding"}
    )

    rows = _rows(admin_client.get(LOG).content.decode())
    new = Certificate.objects.get(status="valid")
    assert f"Sertifikat diterbitkan ulang rina.penyelenggara {new.number}" in rows[0]
    assert "alasan: Banding" in rows[0]
    assert f"Sertifikat dicabut rina.penyelenggara {certificate.number}" in rows[1]
    assert "alasan: Tidak berhak" in rows[1]


def test_a_staff_import_appears_as_done_by_who_confirmed_it(
    admin_client, admin, django_capture_on_commit_callbacks
):
    UnitFactory(name="Kelurahan Cacaban")
    rows = [["NIP", "Nama", "Unit Kerja"], [nip_for(1), "Budi Santoso", "Kelurahan Cacaban"]]
    text = "\r\n".join(";".join(row) for row in rows).encode("utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        staff_import = services_import.start_staff_import(
            uploaded_file=SimpleUploadedFile("pegawai-2026.csv", text),
            filename="pegawai-2026.csv",
            skip_invalid=False,
            create_units=False,
            user=admin,
        )
    with django_capture_on_commit_callbacks(execute=True):
        services_import.confirm_staff_import(import_id=staff_import.pk, user=admin)

    row = _rows(admin_client.get(LOG, {"action": "staff_imported"}).content.decode())[0]
    assert "Daftar pegawai diimpor sri.admin pegawai-2026.csv" in row
    assert "berkas: pegawai-2026.csv; baru: 1; diperbarui: 0" in row


def _form_data(form) -> dict:
    """Return what a browser submits for an unchanged admin form."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif field.disabled or value is None or value is False:
            continue
        elif value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data


def test_a_role_given_and_taken_away_in_the_django_admin_appears(admin_client):
    superuser = UserFactory(username="kepala", is_staff=True, is_superuser=True)
    person = UserFactory(username="dedi", roles=[Role.PARTICIPANT])
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:participants_user_change", args=[person.pk])
    data = _form_data(client.get(url).context["adminform"].form)
    organisers = Group.objects.get(name=Role.ORGANISER)

    data["groups"] = [str(organisers.pk)]
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    rows = _rows(admin_client.get(LOG, {"person": "dedi"}).content.decode())
    assert "Peran diberikan kepala dedi" in rows[0]
    assert "peran: Penyelenggara" in rows[0]
    assert "Peran dicabut kepala dedi" in rows[1]
    assert "peran: Peserta" in rows[1]


def test_a_role_given_and_taken_away_on_the_accounts_page_appears(admin_client):
    person = UserFactory(username="dedi", roles=[Role.PARTICIPANT])
    url = reverse("participants:account_roles", args=[person.pk])

    admin_client.post(url, {"roles": [Role.ORGANISER, Role.ADMIN]})
    admin_client.post(url, {"roles": [Role.ORGANISER]})

    rows = _rows(admin_client.get(LOG, {"person": "dedi"}).content.decode())
    assert "Peran dicabut sri.admin dedi" in rows[0]
    assert "peran: Admin kepegawaian" in rows[0]
    assert "Peran diberikan sri.admin dedi" in rows[1]
    assert "peran: Admin kepegawaian, Penyelenggara" in rows[1]


def test_the_log_filters_by_action_person_and_dates_newest_first(admin_client):
    for name in ("ani", "budi", "ani"):
        record(AuditEntry.Action.LOGIN_FAILED, actor_name=name, target=name)
    old = record(AuditEntry.Action.LOGIN_FAILED, actor_name="ani", target="ani")
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    today = timezone.localdate()

    rows = _rows(
        admin_client.get(
            LOG,
            {"action": "login_failed", "person": "ANI", "date_from": today.isoformat(),
             "date_to": today.isoformat()},
        ).content.decode()
    )

    assert len(rows) == 2
    all_of_ani = AuditEntry.objects.filter(actor_name="ani").order_by("-created_at", "-pk")
    page = admin_client.get(LOG, {"person": "ani"})
    assert [e.pk for e in page.context["page"].object_list] == [e.pk for e in all_of_ani]
    assert page.context["page"].object_list[2].pk == old.pk  # the oldest last


def test_the_log_shows_dates_the_indonesian_way(admin_client):
    entry = record(AuditEntry.Action.LOGIN_FAILED, actor_name="ani")
    AuditEntry.objects.filter(pk=entry.pk).update(
        created_at=datetime.datetime(2026, 9, 14, 1, 5, tzinfo=datetime.UTC)
    )

    row = _rows(admin_client.get(LOG, {"person": "ani"}).content.decode())[0]

    assert row.startswith("14 September 2026 08.05 Gagal masuk ani")


def test_reversed_dates_get_a_clear_message(admin_client):
    response = admin_client.get(LOG, {"date_from": "2026-09-14", "date_to": "2026-09-01"})

    assert "Tanggal akhir jatuh sebelum tanggal mulai." in response.content.decode()


@pytest.mark.parametrize("entries", [1, 60])
def test_the_log_runs_a_fixed_number_of_queries(
    admin_client, entries, django_assert_max_num_queries
):
    AuditEntry.objects.bulk_create(
        AuditEntry(action="login_failed", actor_name=f"orang{n}", details={"roles": ["x"]})
        for n in range(entries)
    )
    admin_client.get(LOG)  # warm the session and the office profile's cache

    with django_assert_max_num_queries(7):
        response = admin_client.get(LOG, {"action": "login_failed"})

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(entries, 50)


@pytest.mark.parametrize("make_user", [participant_user, organiser_user])
def test_participants_and_organisers_are_refused_the_log(make_user):
    client = Client()
    client.force_login(make_user())

    assert client.get(LOG).status_code == 403


def test_the_log_is_read_only_in_the_django_admin():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    entry = record(AuditEntry.Action.LOGIN_FAILED, actor_name="ani")
    client = Client()
    client.force_login(superuser)

    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"actor_name": "budi"}
    ).status_code == 403
    entry.refresh_from_db()
    assert entry.actor_name == "ani"


def test_a_panitia_change_on_the_training_page_appears(admin_client):
    from tests.trainings.test_trainings_views import _training_post

    creator = organiser_user(username="rina.penyelenggara")
    colleague = organiser_user(username="budi.penyelenggara")
    client = Client()
    client.force_login(creator)
    client.post(reverse("trainings:training_create"), _training_post())
    training = creator.organised_trainings.get()

    client.post(
        reverse("trainings:training_edit", args=[training.pk]),
        _training_post(code=training.code, organisers=[creator.pk, colleague.pk]),
    )

    row = _rows(admin_client.get(LOG, {"action": "panitia_changed"}).content.decode())[0]
    assert f"Panitia diubah rina.penyelenggara {training.code} · {training.title}" in row
    assert "ditambahkan: budi.penyelenggara" in row
    assert "panitia: budi.penyelenggara, rina.penyelenggara" in row


def test_a_second_factor_set_up_appears(
    admin_client, settings, django_capture_on_commit_callbacks
):
    from tests.test_mfa import _log_in, _set_up_totp

    settings.BIMTEK_MFA_REQUIRED = True
    organiser = organiser_user(username="rina.penyelenggara")
    client = Client()
    _log_in(client, organiser)

    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after the commit
        _set_up_totp(client)

    settings.BIMTEK_MFA_REQUIRED = False  # the admin reading the log has no second factor here
    rows = _rows(admin_client.get(LOG, {"action": "mfa_added"}).content.decode())
    assert [row.split(" ", 4)[4].split(" 127.0.0.1 ")[1] for row in rows] == [
        "jenis: Kode pemulihan",
        "jenis: Otentikator TOTP",
    ]


def test_a_wrong_second_factor_code_appears(admin_client, settings):
    from tests.test_mfa import _log_in, _set_up_totp

    settings.BIMTEK_MFA_REQUIRED = True
    organiser = organiser_user(username="rina.penyelenggara")
    client = Client()
    _log_in(client, organiser)
    _set_up_totp(client)
    client.post(reverse("account_logout"))
    _log_in(client, organiser)

    client.post(reverse("mfa_authenticate"), {"code": "000000"})

    settings.BIMTEK_MFA_REQUIRED = False  # the admin reading the log has no second factor here
    rows = _rows(admin_client.get(LOG, {"action": "mfa_failed"}).content.decode())
    assert len(rows) == 1
    assert "Kode faktor kedua salah rina.penyelenggara" in rows[0]
    assert "jenis: Otentikator TOTP" in rows[0]
    entry = AuditEntry.objects.get(action="mfa_failed")
    assert (entry.actor, entry.details["reauthentication"]) == (organiser, False)
