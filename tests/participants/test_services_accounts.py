"""Accounts for directory entries and one-time activation codes."""

import datetime
import re
import threading
import time

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.roles import Role
from participants import services
from participants.models import ActivationCode, User
from tests.factories import EmployeeFactory, NonAsnEmployeeFactory, UserFactory, organiser_user

pytestmark = pytest.mark.django_db

CODE_PATTERN = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}$")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _codes_raised(error: ValidationError) -> set:
    return {item.code for item in error.error_list}


# create_account ---------------------------------------------------------------------------------


def test_create_account_uses_the_nip_as_username_and_cannot_log_in_without_password():
    employee = EmployeeFactory(nip="198609262015051001", email="Budi@Example.org")

    user = services.create_account(employee=employee)

    employee.refresh_from_db()
    assert employee.user == user
    assert user.username == "198609262015051001"
    assert user.email == "budi@example.org"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.PARTICIPANT]


def test_create_account_for_non_asn_uses_the_nik_and_sets_a_given_password():
    employee = NonAsnEmployeeFactory(nik="3371012609860001")

    user = services.create_account(employee=employee, role=Role.ORGANISER, password="Rahasia-2026")

    assert user.username == "3371012609860001"
    assert user.email == ""
    assert user.check_password("Rahasia-2026")
    assert list(user.groups.values_list("name", flat=True)) == [Role.ORGANISER]


def test_create_account_twice_returns_the_same_account_and_adds_the_missing_role():
    employee = EmployeeFactory()
    first = services.create_account(employee=employee)

    second = services.create_account(employee=employee, role=Role.ORGANISER)

    assert second.pk == first.pk
    assert User.objects.count() == 1
    assert set(second.groups.values_list("name", flat=True)) == {Role.PARTICIPANT, Role.ORGANISER}


def test_create_account_leaves_out_an_email_another_account_already_uses():
    UserFactory(email="tu.kelurahan@example.org")
    employee = EmployeeFactory(email="TU.Kelurahan@example.org")

    user = services.create_account(employee=employee)

    assert user.email == ""


def test_create_account_links_an_unlinked_login_with_the_same_username():
    employee = EmployeeFactory()
    existing = UserFactory(username=employee.nip)

    user = services.create_account(employee=employee)

    assert user.pk == existing.pk
    employee.refresh_from_db()
    assert employee.user_id == existing.pk


def test_create_account_refuses_a_username_linked_to_someone_else():
    employee = EmployeeFactory()
    other = EmployeeFactory()
    other.user = UserFactory(username=employee.nip)
    other.save(update_fields=["user"])

    with pytest.raises(ValidationError) as raised:
        services.create_account(employee=employee)

    assert _codes_raised(raised.value) == {"username_taken"}


# issue_activation_code --------------------------------------------------------------------------


def test_issue_activation_code_stores_only_a_hash_and_expires_in_14_days():
    user = services.create_account(employee=EmployeeFactory())
    organiser = organiser_user()

    activation, code = services.issue_activation_code(user=user, created_by=organiser)

    assert CODE_PATTERN.match(code), code
    assert activation.code_hash != code
    assert code.replace("-", "") not in activation.code_hash
    assert len(activation.code_hash) == 64
    assert activation.created_by == organiser
    expected = timezone.now() + datetime.timedelta(days=14)
    assert abs(activation.expires_at - expected) < datetime.timedelta(minutes=1)


def test_issue_activation_code_honours_the_days_setting(settings):
    settings.BIMTEK_ACTIVATION_DAYS = 3
    user = services.create_account(employee=EmployeeFactory())

    activation, _code = services.issue_activation_code(user=user, created_by=None)

    expected = timezone.now() + datetime.timedelta(days=3)
    assert abs(activation.expires_at - expected) < datetime.timedelta(minutes=1)


def test_a_new_code_voids_the_earlier_unused_one():
    user = services.create_account(employee=EmployeeFactory())
    _first, old_code = services.issue_activation_code(user=user, created_by=None)

    _second, new_code = services.issue_activation_code(user=user, created_by=None)

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=old_code, password="Melati-Putih-77")
    assert _codes_raised(raised.value) == {"activation_expired"}
    assert services.activate_account(code=new_code, password="Melati-Putih-77") == user


def test_codes_differ_each_time():
    user = services.create_account(employee=EmployeeFactory())

    codes = {services.issue_activation_code(user=user, created_by=None)[1] for _i in range(20)}

    assert len(codes) == 20


# activate_account -------------------------------------------------------------------------------


@pytest.fixture
def account_with_code():
    user = services.create_account(employee=EmployeeFactory())
    activation, code = services.issue_activation_code(user=user, created_by=None)
    return user, activation, code


def test_activate_account_sets_the_password_and_uses_up_the_code(account_with_code):
    user, activation, code = account_with_code

    activated = services.activate_account(code=code, password="Melati-Putih-77")

    assert activated == user
    user.refresh_from_db()
    activation.refresh_from_db()
    assert user.check_password("Melati-Putih-77")
    assert activation.used_at is not None


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),
        lambda code: code.replace("-", ""),
        lambda code: " ".join(code.replace("-", "")),
    ],
    ids=["lowercase", "no-dashes", "spaced"],
)
def test_activate_account_accepts_the_code_typed_loosely(account_with_code, typed):
    user, _activation, code = account_with_code

    assert services.activate_account(code=typed(code), password="Melati-Putih-77") == user


def test_a_code_works_only_once(account_with_code):
    _user, _activation, code = account_with_code
    services.activate_account(code=code, password="Melati-Putih-77")

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Another-Pass-88")

    assert _codes_raised(raised.value) == {"activation_used"}


def test_an_expired_code_is_refused(account_with_code):
    _user, activation, code = account_with_code
    ActivationCode.objects.filter(pk=activation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77")

    assert _codes_raised(raised.value) == {"activation_expired"}


@pytest.mark.parametrize("code", ["K7QX-M4PA-RZ", "", "SHORT", "K7QX-M4PA-RZ-EXTRA"])
def test_an_unknown_code_is_refused(account_with_code, code):
    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77")

    assert _codes_raised(raised.value) == {"activation_unknown"}


def test_a_weak_password_leaves_the_code_unused(account_with_code):
    user, activation, code = account_with_code

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="12345678")

    assert "password_entirely_numeric" in _codes_raised(raised.value)
    activation.refresh_from_db()
    user.refresh_from_db()
    assert activation.used_at is None
    assert not user.has_usable_password()


def test_a_deactivated_account_cannot_be_activated(account_with_code):
    user, _activation, code = account_with_code
    User.objects.filter(pk=user.pk).update(is_active=False)

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77")

    assert _codes_raised(raised.value) == {"account_inactive"}


def test_ten_wrong_codes_from_one_address_lock_it_out_even_with_a_right_code(account_with_code):
    user, _activation, code = account_with_code
    for _attempt in range(10):
        with pytest.raises(ValidationError):
            services.activate_account(code="ABCD-EFGH-JK", password="x", ip_address="10.0.0.5")

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77", ip_address="10.0.0.5")

    assert _codes_raised(raised.value) == {"activation_throttled"}
    assert services.activate_account(
        code=code, password="Melati-Putih-77", ip_address="10.0.0.6"
    ) == user


def test_nine_wrong_codes_do_not_lock_out(account_with_code):
    user, _activation, code = account_with_code
    for _attempt in range(9):
        with pytest.raises(ValidationError):
            services.activate_account(code="ABCD-EFGH-JK", password="x", ip_address="10.0.0.5")

    assert services.activate_account(
        code=code, password="Melati-Putih-77", ip_address="10.0.0.5"
    ) == user


def test_every_kind_of_wrong_code_from_one_address_counts_towards_one_lock(account_with_code):
    user, _activation, code = account_with_code
    used_user = services.create_account(employee=EmployeeFactory())
    _used, used_code = services.issue_activation_code(user=used_user, created_by=None)
    services.activate_account(code=used_code, password="Mawar-Merah-88")
    for _attempt in range(5):
        with pytest.raises(ValidationError):
            services.activate_account(code="ABCD-EFGH-JK", password="x", ip_address="10.0.0.5")
        with pytest.raises(ValidationError):
            services.activate_account(code=used_code, password="x", ip_address="10.0.0.5")

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77", ip_address="10.0.0.5")

    assert _codes_raised(raised.value) == {"activation_throttled"}
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_the_lock_message_says_the_configured_window(account_with_code, settings):
    settings.BIMTEK_ACTIVATION_FAILURE_WINDOW = 5 * 60
    _user, _activation, code = account_with_code
    for _attempt in range(10):
        with pytest.raises(ValidationError):
            services.activate_account(code="ABCD-EFGH-JK", password="x", ip_address="10.0.0.5")

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77", ip_address="10.0.0.5")

    assert raised.value.messages == [
        "Terlalu banyak kode salah yang dicoba. Silakan tunggu 5 menit, lalu coba lagi."
    ]


def test_the_lock_follows_the_configured_number_of_wrong_codes(account_with_code, settings):
    settings.BIMTEK_ACTIVATION_MAX_FAILURES = 3
    _user, _activation, code = account_with_code
    for _attempt in range(3):
        with pytest.raises(ValidationError):
            services.activate_account(code="ABCD-EFGH-JK", password="x", ip_address="10.0.0.5")

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77", ip_address="10.0.0.5")

    assert _codes_raised(raised.value) == {"activation_throttled"}


def test_the_address_may_try_again_once_the_window_has_passed(account_with_code, settings):
    settings.BIMTEK_ACTIVATION_FAILURE_WINDOW = 1
    user, _activation, code = account_with_code
    for _attempt in range(10):
        with pytest.raises(ValidationError):
            services.activate_account(code="ABCD-EFGH-JK", password="x", ip_address="10.0.0.5")

    time.sleep(1.1)

    assert services.activate_account(
        code=code, password="Melati-Putih-77", ip_address="10.0.0.5"
    ) == user


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs a server database for concurrent connections"
)
def test_two_simultaneous_submits_use_a_code_only_once():
    user = services.create_account(employee=EmployeeFactory())
    _activation, code = services.issue_activation_code(user=user, created_by=None)
    start = threading.Barrier(2)
    results = []

    def submit(password):
        from django.db import connections

        try:
            start.wait()
            services.activate_account(code=code, password=password)
            results.append(("ok", password))
        except ValidationError as error:
            results.append(("refused", _codes_raised(error)))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(password,))
        for password in ("Melati-Putih-77", "Mawar-Merah-88")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    outcomes = sorted(kind for kind, _detail in results)
    assert outcomes == ["ok", "refused"]
    refused = next(detail for kind, detail in results if kind == "refused")
    assert refused == {"activation_used"}
    winner = next(detail for kind, detail in results if kind == "ok")
    user.refresh_from_db()
    assert user.check_password(winner)


def test_a_code_issued_before_an_account_was_promoted_no_longer_activates_it():
    user = services.create_account(employee=EmployeeFactory())
    _activation, code = services.issue_activation_code(user=user, created_by=None)
    user.groups.add(organiser_user().groups.get())

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77")

    assert _codes_raised(raised.value) == {"account_privileged"}
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_no_code_is_issued_for_an_organiser_account():
    with pytest.raises(ValidationError) as raised:
        services.issue_activation_code(user=organiser_user(), created_by=None)

    assert _codes_raised(raised.value) == {"account_privileged"}


# A code sets a password, so it is only for accounts that never had one ------------------------


def test_no_code_is_issued_for_a_participant_who_already_has_a_password():
    user = services.create_account(employee=EmployeeFactory())
    user.set_password("Sandi-Milik-Sendiri-1")
    user.save(update_fields=["password"])

    with pytest.raises(ValidationError) as raised:
        services.issue_activation_code(user=user, created_by=organiser_user())

    assert _codes_raised(raised.value) == {"account_has_password"}
    assert "Lupa kata sandi?" in raised.value.messages[0]
    assert not ActivationCode.objects.filter(user=user).exists()


def test_a_stale_account_object_does_not_let_a_code_through():
    user = services.create_account(employee=EmployeeFactory())
    fresh = User.objects.get(pk=user.pk)
    fresh.set_password("Sandi-Milik-Sendiri-1")
    fresh.save(update_fields=["password"])

    with pytest.raises(ValidationError) as raised:
        services.issue_activation_code(user=user, created_by=None)  # user still looks unset

    assert _codes_raised(raised.value) == {"account_has_password"}


def test_an_old_code_cannot_take_over_an_account_that_got_a_password_meanwhile():
    user = services.create_account(employee=EmployeeFactory())
    _activation, code = services.issue_activation_code(user=user, created_by=None)
    user.set_password("Sandi-Milik-Sendiri-1")  # e.g. set through "Lupa kata sandi?"
    user.save(update_fields=["password"])

    with pytest.raises(ValidationError) as raised:
        services.activate_account(code=code, password="Melati-Putih-77")

    assert _codes_raised(raised.value) == {"account_has_password"}
    user.refresh_from_db()
    assert user.check_password("Sandi-Milik-Sendiri-1")
    assert ActivationCode.objects.get(user=user).used_at is None
