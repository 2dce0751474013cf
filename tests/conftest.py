import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Load the demo data once per test module; each test runs in a savepoint inside it.

    seed_demo takes seconds (it imports staff, runs a training day through the check-in
    services, sits the tests), so the modules that only read the demo share one load.
    """
    from django.db import transaction

    from bimtek.management.commands.seed_demo import seed_demo

    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


# The office every test runs in unless it says otherwise (@pytest.mark.office(None) for a fresh
# install without a profile, or @pytest.mark.office(time_zone="Asia/Makassar", ...) to change
# some of its fields). Tests may name a city: this is the demo's office.
TEST_OFFICE = {
    "government": "PEMERINTAH KOTA MAGELANG",
    "agency": "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
    "agency_code": "BKPSDM",
    "address": "Jl. Sarwo Edie Wibowo No. 2, Magelang",
    "place": "Magelang",
    "head_name": "Drs. Bambang Setiawan, M.Si.",
    "head_position": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "head_pangkat": "Pembina Utama Muda",
    "head_nip": "197003151995031002",
    "time_zone": "Asia/Jakarta",
}


def make_test_office(**changes):
    """Save the test office profile (with some fields changed) and return it, cached."""
    from office.models import Office
    from office.selectors import current_office, forget_office

    Office.objects.update_or_create(pk=1, defaults={**TEST_OFFICE, **changes})
    forget_office()
    return current_office()


@pytest.fixture(autouse=True)
def office(request):
    """Give each database test the office profile (see TEST_OFFICE); None for tests without."""
    from office.selectors import forget_office

    forget_office()
    marker = request.node.get_closest_marker("office")
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if (marker and marker.args == (None,)) or not (uses_db or request.node.get_closest_marker("django_db")):
        yield None
        forget_office()
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    yield make_test_office(**(marker.kwargs if marker else {}))
    forget_office()
