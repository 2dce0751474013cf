"""Logging in with a NIP or email, no open sign-up, password reset, and "My profile"."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from participants.models import User
from tests.factories import EmployeeFactory, UserFactory, organiser_user, participant_user

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
PASSWORD = "rahasia-123"  # UserFactory's


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # allauth's rate limits live in the cache


@pytest.fixture
def budi():
    employee = EmployeeFactory(name="Budi Santoso", nip="198609262015051001")
    user = UserFactory(username="198609262015051001", email="budi@example.org")
    employee.user = user
    employee.save(update_fields=["user"])
    return user


@pytest.mark.parametrize(
    "login",
    [
        "19860926 201505 1 001",
        "19860926.201505.1.001",
        "NIP. 19860926 201505 1 001",
        "198609262015051001",
        "budi@example.org",
        "Budi@Example.org",
    ],
)
def test_log_in_with_a_nip_as_typed_or_with_email(client, budi, login):
    response = client.post(LOGIN_URL, {"login": login, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == budi


def test_a_wrong_password_is_refused_in_indonesian(client, budi):
    response = client.post(LOGIN_URL, {"login": "19860926 201505 1 001", "password": "salah"})

    assert response.status_code == 200
    assert response.context["user"].is_anonymous
    assert response.context["form"].non_field_errors()


def test_repeated_failures_are_rate_limited(client, budi):
    for _attempt in range(5):
        client.post(LOGIN_URL, {"login": "198609262015051001", "password": "salah"})

    response = client.post(LOGIN_URL, {"login": "198609262015051001", "password": PASSWORD})

    assert response.context["user"].is_anonymous
    assert response.context["form"].non_field_errors()


def test_the_login_page_is_ours_and_in_indonesian(client):
    response = client.get(LOGIN_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Masuk · BKPSDM</title>" in html
    assert "Masuk dengan NIP (18 digit) atau email, dan kata sandi Anda." in html
    assert 'placeholder="NIP atau email"' in html
    assert reverse("account_reset_password") in html
    assert reverse("account_request_login_code") in html
    assert reverse("activate") in html
    assert reverse("account_signup") not in html
    assert "style=" not in html and "<script" not in html


def test_sign_up_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "baru@example.org",
            "username": "baru",
            "password1": "x" * 12,
            "password2": "x" * 12,
        },
    )

    assert response.status_code == 200
    assert "Tidak ada pendaftaran mandiri" in response.content.decode()
    assert not User.objects.filter(username="baru").exists()


def test_password_reset_sends_an_email_with_a_working_link(client, budi):
    response = client.post(reverse("account_reset_password"), {"email": "budi@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["budi@example.org"]
    link = re.search(r"https?://\S+/akun/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert "Buat kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Melati-Putih-77", "password2": "Melati-Putih-77"},
        follow=True,
    )
    assert "Kata sandi baru Anda tersimpan." in done.content.decode()
    budi.refresh_from_db()
    assert budi.check_password("Melati-Putih-77")


def test_the_password_reset_page_points_people_without_email_to_activation(client):
    html = client.get(reverse("account_reset_password")).content.decode()

    assert "Tidak punya email?" in html
    assert reverse("activate") in html


def test_login_by_emailed_code_is_offered(client, budi):
    response = client.post(reverse("account_request_login_code"), {"email": "budi@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    code_page = client.get(response["Location"])
    assert "Masukkan kode masuk" in code_page.content.decode()


def test_the_logout_page_asks_first(client, budi):
    client.force_login(budi)

    response = client.get(reverse("account_logout"))

    assert "Apakah Anda ingin keluar?" in response.content.decode()


# My profile -------------------------------------------------------------------------------------


def test_my_profile_shows_my_own_entry_with_what_the_nip_encodes(client):
    me = participant_user()
    employee = me.employee
    employee.gelar_belakang = "A.Md.Kep."
    employee.nip = "199203142019032005"
    employee.golongan = "II/c"
    employee.save()
    other = participant_user()
    client.force_login(me)

    response = client.get(reverse("participants:my_profile"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"{employee.name}, A.Md.Kep." in html
    assert "19920314 201903 2 005" in html
    assert "14 Maret 1992" in html
    assert "Perempuan" in html
    assert "Pengatur, II/c" in html
    assert employee.unit.name in html
    assert other.employee.name not in html


def test_my_profile_takes_no_id_so_nobody_else_can_be_shown():
    with pytest.raises(NoReverseMatch):
        reverse("participants:my_profile", args=[1])


def test_my_profile_without_a_directory_entry_says_whom_to_ask(client):
    client.force_login(organiser_user())

    response = client.get(reverse("participants:my_profile"))

    html = response.content.decode()
    assert "Akun Anda belum terhubung dengan data di direktori pegawai." in html


def test_my_profile_needs_a_login(client):
    response = client.get(reverse("participants:my_profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_a_classroom_behind_one_address_logs_in_together(client):
    # 60 participants of one venue, one NAT address, all logging in within the same minute.
    users = [UserFactory(username=f"peserta{number:02d}") for number in range(60)]

    statuses = []
    for user in users:
        response = client.post(
            LOGIN_URL, {"login": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
        )
        statuses.append(response.status_code)
        client.logout()

    assert statuses == [302] * 60


def test_a_few_typos_in_the_classroom_lock_out_nobody_else(client):
    users = [UserFactory(username=f"peserta{number:02d}") for number in range(30)]
    for user in users[:15]:  # half the class mistypes once
        client.post(
            LOGIN_URL, {"login": user.username, "password": "salah"}, REMOTE_ADDR="10.1.2.3"
        )

    for user in users:
        response = client.post(
            LOGIN_URL, {"login": user.username, "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
        )
        assert response.status_code == 302, user.username
        client.logout()


def test_guessing_one_account_from_many_addresses_is_still_stopped(client, budi):
    for attempt in range(5):
        client.post(
            LOGIN_URL,
            {"login": "198609262015051001", "password": "salah"},
            REMOTE_ADDR=f"10.9.0.{attempt}",
        )

    response = client.post(
        LOGIN_URL, {"login": "198609262015051001", "password": PASSWORD}, REMOTE_ADDR="10.9.0.99"
    )

    assert response.status_code != 302
