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
