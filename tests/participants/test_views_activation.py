"""Activation slips for people without email, and the public page where they use the code."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from participants import services
from participants.models import ActivationCode, Employee
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

ACTIVATE_URL = reverse("activate")
SLIPS_URL = reverse("participants:activation_slips")
PASSWORD = "Melati-Putih-77"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def _submit(code: str, password: str = PASSWORD) -> dict:
    return {"code": code, "password1": password, "password2": password}


def _slip_codes(html: str) -> list[str]:
    return re.findall(r'<p class="slip-code">([^<]+)</p>', html)


def _decode_qr(svg: str) -> str:
    """Redraw segno's SVG path as pixels and read it back with a real QR decoder."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    scale = 6
    image = Image.new("L", (size * scale, size * scale), 255)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([^MmHh]+)", path):
        values = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", numbers)]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            length = values[0] if command == "h" else values[0] - x
            row = int(y)
            for column in range(int(x), int(x + length)):
                for dy in range(scale):
                    for dx in range(scale):
                        image.putpixel((column * scale + dx, row * scale + dy), 0)
            x += length
    result = zxingcpp.read_barcode(image)
    assert result is not None, "no QR code could be read"
    return result.text


# Issuing slips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("make_user", [admin_user, organiser_user], ids=["admin", "organiser"])
def test_a_slip_for_someone_without_account_creates_the_account_and_shows_the_code(
    client, make_user, settings
):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    employee = EmployeeFactory(
        gelar_depan="Ns.", name="Sari Wulandari", gelar_belakang="S.Kep.",
        nip="199203142019032005", unit=UnitFactory(name="Puskesmas Jurangombo"),
    )
    organiser = make_user()
    client.force_login(organiser)

    response = client.post(reverse("participants:activation_slip", args=[employee.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    employee.refresh_from_db()
    assert employee.user.username == "199203142019032005"
    assert not employee.user.has_usable_password()
    [code] = _slip_codes(html)
    activation = ActivationCode.objects.get(user=employee.user)
    assert activation.created_by == organiser
    assert "Ns. Sari Wulandari, S.Kep." in html
    assert "NIP. 19920314 201903 2 005" in html
    assert "Puskesmas Jurangombo" in html
    assert "https://bimtek.magelangkota.go.id/aktivasi/" in html
    assert timezone.localtime(activation.expires_at).strftime("%Y") in html
    assert "Kode hanya ditampilkan kali ini saja" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_qr_code_on_the_slip_opens_the_activation_page_with_the_code(client, settings):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    employee = EmployeeFactory()
    client.force_login(organiser_user())

    html = client.post(reverse("participants:activation_slip", args=[employee.pk])).content.decode()

    [code] = _slip_codes(html)
    [svg] = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert _decode_qr(svg) == f"https://bimtek.magelangkota.go.id/aktivasi/{code}/"


def test_the_slip_can_go_to_the_persons_own_whatsapp_instead_of_paper(client, settings):
    settings.SITE_URL = "https://bimtek.magelangkota.go.id"
    employee = EmployeeFactory(name="Sari Wulandari", phone="0857-1234-5678")
    client.force_login(organiser_user())

    html = client.post(reverse("participants:activation_slip", args=[employee.pk])).content.decode()

    [code] = _slip_codes(html)
    [href] = re.findall(r'href="(https://wa\.me/[^"]*)"', html)
    parts = urlsplit(unescape(href))
    assert parts.path == "/6285712345678"
    text = parse_qs(parts.query)["text"][0]
    assert text.startswith("Yth. Bapak/Ibu Sari Wulandari,")
    assert f"Kode aktivasi akun Bimtek Anda: *{code}*" in text
    assert f"https://bimtek.magelangkota.go.id/aktivasi/{code}/" in text
    assert "hanya sekali pakai" in text
    assert text.endswith("masuklah dengan NIP dan kata sandi tersebut.")


def test_the_code_on_the_slip_activates_the_account(client):
    employee = EmployeeFactory()
    client.force_login(organiser_user())
    html = client.post(reverse("participants:activation_slip", args=[employee.pk])).content.decode()
    [code] = _slip_codes(html)

    user = services.activate_account(code=code, password=PASSWORD)

    assert user == Employee.objects.get(pk=employee.pk).user


def test_a_new_slip_reuses_the_account_and_voids_the_old_code(client):
    employee = EmployeeFactory()
    client.force_login(organiser_user())
    url = reverse("participants:activation_slip", args=[employee.pk])
    [old] = _slip_codes(client.post(url).content.decode())

    [new] = _slip_codes(client.post(url).content.decode())

    employee.refresh_from_db()
    assert ActivationCode.objects.filter(user=employee.user).count() == 2
    assert old != new
    response = client.post(ACTIVATE_URL, _submit(old))
    assert "Kode aktivasi ini sudah kedaluwarsa." in response.content.decode()


def test_a_slip_for_non_asn_staff_shows_a_masked_nik(client):
    employee = NonAsnEmployeeFactory(nik="3371014309950002")
    client.force_login(organiser_user())

    html = client.post(reverse("participants:activation_slip", args=[employee.pk])).content.decode()

    assert "NIK 3371**********02" in html
    assert "3371014309950002" not in html
    assert "masuklah dengan NIK dan kata sandi tersebut" in html


def test_a_batch_with_a_clashing_username_prints_nothing_and_says_who(client):
    fine = EmployeeFactory(name="Agus")
    clash = EmployeeFactory(name="Bambang")
    holder = EmployeeFactory(name="Pemegang Akun")
    holder.user = UserFactory(username=clash.nip)
    holder.save(update_fields=["user"])
    client.force_login(organiser_user())

    response = client.post(SLIPS_URL, {"employees": [fine.pk, clash.pk]}, follow=True)

    assert response.redirect_chain == [(reverse("participants:employee_list"), 302)]
    assert (
        f"Bambang: Nama pengguna {clash.nip} sudah dipakai oleh akun orang lain."
        in response.content.decode()
    )
    assert not ActivationCode.objects.exists()
    fine.refresh_from_db()
    assert fine.user is None


def test_slips_cannot_be_made_by_get(client):
    employee = EmployeeFactory()
    client.force_login(organiser_user())

    response = client.get(reverse("participants:activation_slip", args=[employee.pk]))

    assert response.status_code == 405
    assert not ActivationCode.objects.exists()


def test_bulk_slips_print_one_slip_per_ticked_person(client, settings):
    settings.SITE_URL = "https://bimtek.example.go.id"
    ticked = [EmployeeFactory(name=name) for name in ("Citra", "Agus", "Bambang")]
    EmployeeFactory(name="Tidak Dicentang")
    client.force_login(organiser_user())

    response = client.post(SLIPS_URL, {"employees": [e.pk for e in ticked]})

    html = response.content.decode()
    assert response.status_code == 200
    names = re.findall(r'<p class="slip-name">([^<]+)</p>', html)
    assert names == ["Agus", "Bambang", "Citra"]
    codes = _slip_codes(html)
    assert len(set(codes)) == 3
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert [_decode_qr(svg) for svg in svgs] == [
        f"https://bimtek.example.go.id/aktivasi/{code}/" for code in codes
    ]
    assert ActivationCode.objects.count() == 3
    assert "Satu halaman A4 memuat empat slip" in html


def test_bulk_slips_with_nobody_ticked_go_back_with_a_message(client):
    client.force_login(organiser_user())
    back = reverse("participants:employee_list") + "?unit_kind=kelurahan"

    response = client.post(SLIPS_URL, {"next": back}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert "Centang minimal satu orang yang akan dicetak slipnya." in response.content.decode()


def test_bulk_slips_never_redirect_to_another_site(client):
    client.force_login(organiser_user())

    response = client.post(SLIPS_URL, {"next": "https://evil.example.com/"})

    assert response["Location"] == reverse("participants:employee_list")


def test_bulk_slips_are_limited_to_100(client, settings):
    unit = UnitFactory()
    employees = [EmployeeFactory(unit=unit) for _i in range(101)]
    client.force_login(organiser_user())

    response = client.post(SLIPS_URL, {"employees": [e.pk for e in employees]}, follow=True)

    assert "Cetak paling banyak 100 slip sekaligus." in response.content.decode()
    assert not ActivationCode.objects.exists()


def test_a_participant_cannot_make_slips(client):
    me = participant_user()
    client.force_login(me)

    response = client.post(SLIPS_URL, {"employees": [me.employee.pk]})

    assert response.status_code == 403
    assert not ActivationCode.objects.exists()


# The public activation page ---------------------------------------------------------------------


@pytest.fixture
def issued():
    employee = EmployeeFactory(nip="198609262015051001")
    user = services.create_account(employee=employee)
    _activation, code = services.issue_activation_code(user=user, created_by=None)
    return user, code


def test_the_activation_page_needs_no_login_and_works_on_a_phone(client):
    response = client.get(ACTIVATE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aktivasi akun" in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "Ketik kode aktivasi dari slip yang diberikan penyelenggara" in html


def test_the_link_in_the_qr_code_fills_in_the_code(client, issued):
    _user, code = issued

    response = client.get(reverse("activate_with_code", args=[code.lower().replace("-", "")]))

    assert response.status_code == 200
    assert response.context["form"].initial == {"code": code}
    assert f'value="{code}"' in response.content.decode()
    assert "Kode Anda sudah terisi dari kode QR." in response.content.decode()


def test_activating_logs_the_person_in_and_sends_them_home(client, issued):
    user, code = issued

    response = client.post(
        ACTIVATE_URL, {"code": code, "password1": PASSWORD, "password2": PASSWORD}, follow=True
    )

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.context["user"] == user
    assert (
        f"Akun Anda sudah aktif dan Anda sudah masuk sebagai {user.employee.full_name}. Lain "
        "kali, gunakan NIP Anda 19860926 201505 1 001 dan kata sandi baru Anda."
        in response.content.decode()
    )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_code_works_once_and_the_second_submit_is_refused(client, issued):
    _user, code = issued
    data = {"code": code, "password1": PASSWORD, "password2": PASSWORD}
    client.post(ACTIVATE_URL, data)
    client.logout()

    response = client.post(ACTIVATE_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Kode aktivasi ini sudah pernah dipakai. Masuklah dengan NIP dan kata sandi Anda, atau "
        "mintalah kode baru kepada penyelenggara."
    ]


def test_an_expired_code_is_refused_in_indonesian(client, issued):
    user, code = issued
    ActivationCode.objects.filter(user=user).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = client.post(ACTIVATE_URL, _submit(code))

    assert response.context["form"].errors["code"] == [
        "Kode aktivasi ini sudah kedaluwarsa. Silakan minta kode baru kepada penyelenggara."
    ]
    assert response.context["user"].is_anonymous


def test_a_wrong_code_is_refused_in_indonesian(client, issued):
    response = client.post(
        ACTIVATE_URL, {"code": "ABCD-EFGH-JK", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.context["form"].errors["code"] == [
        "Kode aktivasi ini tidak valid. Periksa kembali kode pada slip Anda."
    ]


def test_passwords_that_differ_are_refused_and_the_code_stays_usable(client, issued):
    user, code = issued

    response = client.post(
        ACTIVATE_URL, {"code": code, "password1": PASSWORD, "password2": "Lain-Sekali-99"}
    )

    assert response.context["form"].errors["password2"] == ["Kedua kata sandi tidak sama."]
    assert ActivationCode.objects.get(user=user).used_at is None


def test_a_weak_password_is_refused_on_the_password_field(client, issued):
    user, code = issued

    response = client.post(ACTIVATE_URL, _submit(code, "12345678"))

    assert list(response.context["form"].errors) == ["password1"]
    assert ActivationCode.objects.get(user=user).used_at is None


def test_ten_wrong_codes_lock_the_page_for_that_address(client, issued):
    _user, code = issued
    wrong = {"code": "ABCD-EFGH-JK", "password1": PASSWORD, "password2": PASSWORD}
    for _attempt in range(10):
        client.post(ACTIVATE_URL, wrong, REMOTE_ADDR="10.1.2.3")

    response = client.post(
        ACTIVATE_URL,
        {"code": code, "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )

    assert response.context["form"].errors["code"] == [
        "Terlalu banyak kode salah yang dicoba. Silakan tunggu 15 menit, lalu coba lagi."
    ]


def test_pages_carry_no_inline_script_or_style(client, issued):
    employee = EmployeeFactory()
    client.force_login(organiser_user())
    pages = [
        client.post(reverse("participants:activation_slip", args=[employee.pk])),
        client.get(reverse("participants:employee_list")),
        client.get(employee.get_absolute_url()),
    ]
    client.logout()
    pages.append(client.get(ACTIVATE_URL))

    for response in pages:
        html = response.content.decode()
        assert "style=" not in html
        assert "<style" not in html
        assert "<script" not in html


# Security sweep: a slip sets a password, so it is never made for an account with more power ----


@pytest.mark.parametrize("target_role", [admin_user, organiser_user], ids=["admin", "organiser"])
def test_an_organiser_cannot_print_a_slip_that_takes_over_a_privileged_account(
    client, target_role
):
    victim = target_role()
    employee = EmployeeFactory(user=victim)
    password_before = victim.password
    client.force_login(organiser_user())

    response = client.post(
        reverse("participants:activation_slip", args=[employee.pk]), follow=True
    )

    assert "Kode aktivasi hanya untuk akun peserta" in response.content.decode()
    assert not ActivationCode.objects.filter(user=victim).exists()
    victim.refresh_from_db()
    assert victim.password == password_before
    assert set(victim.groups.values_list("name", flat=True)) == set(
        target_role().groups.values_list("name", flat=True)
    )


def test_a_superuser_linked_to_a_directory_entry_gets_no_slip_either(client):
    boss = UserFactory(is_superuser=True, is_staff=True)
    employee = EmployeeFactory(user=boss)
    client.force_login(admin_user())

    client.post(reverse("participants:activation_slip", args=[employee.pk]))

    assert not ActivationCode.objects.filter(user=boss).exists()


def test_behind_the_proxy_one_visitors_wrong_codes_do_not_lock_out_another(
    client, issued, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # production behind nginx
    _user, code = issued
    wrong = {"code": "ABCD-EFGH-JK", "password1": PASSWORD, "password2": PASSWORD}
    for _attempt in range(10):
        client.post(
            ACTIVATE_URL, wrong, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )

    response = client.post(
        ACTIVATE_URL,
        {"code": code, "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )

    assert response.status_code == 302


# A slip sets a password, so it is only for accounts that never had one ------------------------


def _with_password(employee, password="Sandi-Milik-Sendiri-1"):
    user = services.create_account(employee=employee)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@pytest.mark.parametrize("make_user", [admin_user, organiser_user], ids=["admin", "organiser"])
def test_no_slip_is_printed_for_a_participant_who_already_has_a_password(client, make_user):
    employee = EmployeeFactory(name="Dewi Lestari")
    owner = _with_password(employee)
    client.force_login(make_user())

    response = client.post(
        reverse("participants:activation_slip", args=[employee.pk]), follow=True
    )

    html = response.content.decode()
    assert response.redirect_chain == [(employee.get_absolute_url(), 302)]
    assert "Dewi Lestari: Akun ini sudah memiliki kata sandi" in html
    assert "Lupa kata sandi?" in html
    assert _slip_codes(html) == []
    assert not ActivationCode.objects.filter(user=owner).exists()
    owner.refresh_from_db()
    assert owner.check_password("Sandi-Milik-Sendiri-1")


def test_the_person_page_shows_the_state_instead_of_a_slip_button_once_there_is_a_password(
    client,
):
    with_password = EmployeeFactory()
    _with_password(with_password)
    without = EmployeeFactory()
    services.create_account(employee=without)
    client.force_login(organiser_user())

    html_with = client.get(with_password.get_absolute_url()).content.decode()
    html_without = client.get(without.get_absolute_url()).content.decode()

    slip_action = reverse("participants:activation_slip", args=[with_password.pk])
    assert slip_action not in html_with
    assert "sudah memiliki kata sandi" in html_with
    assert reverse("participants:activation_slip", args=[without.pk]) in html_without


def test_the_directory_offers_no_tick_box_for_people_with_a_password(client):
    with_password = EmployeeFactory(name="Sudah Aktif")
    _with_password(with_password)
    without = EmployeeFactory(name="Belum Aktif")
    client.force_login(organiser_user())

    html = client.get(reverse("participants:employee_list")).content.decode()

    assert f'id="pick-{without.pk}"' in html
    assert f'id="pick-{with_password.pk}"' not in html


def test_bulk_slips_skip_people_with_a_password_and_say_how_many(client):
    fresh = [EmployeeFactory(name=name) for name in ("Agus", "Bambang")]
    active = [EmployeeFactory(name=name) for name in ("Citra", "Dewi")]
    owners = [_with_password(employee) for employee in active]
    client.force_login(organiser_user())

    response = client.post(SLIPS_URL, {"employees": [e.pk for e in fresh + active]})

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<p class="slip-name">([^<]+)</p>', html) == ["Agus", "Bambang"]
    assert "2 orang dilewati karena sudah memiliki kata sandi" in html
    assert not ActivationCode.objects.filter(user__in=owners).exists()
    assert ActivationCode.objects.count() == 2


def test_bulk_slips_for_only_people_with_a_password_print_nothing_and_go_back(client):
    active = EmployeeFactory(name="Citra")
    _with_password(active)
    client.force_login(organiser_user())

    response = client.post(SLIPS_URL, {"employees": [active.pk]}, follow=True)

    assert response.redirect_chain == [(reverse("participants:employee_list"), 302)]
    assert "1 orang dilewati karena sudah memiliki kata sandi" in response.content.decode()
    assert not ActivationCode.objects.exists()


def test_an_old_slip_cannot_take_over_an_account_that_now_has_a_password(client, issued):
    user, code = issued
    user.set_password("Sandi-Milik-Sendiri-1")
    user.save(update_fields=["password"])

    response = client.post(ACTIVATE_URL, _submit(code))

    [message] = response.context["form"].errors["code"]
    assert message.startswith(
        "Akun ini sudah memiliki kata sandi, jadi kode ini tidak berlaku lagi."
    )
    assert "Lupa kata sandi?" in message
    assert response.context["user"].is_anonymous
    user.refresh_from_db()
    assert user.check_password("Sandi-Milik-Sendiri-1")
