import pytest
from django.test import Client

from tests.factories import admin_user


@pytest.fixture
def admin():
    return admin_user(first_name="Sri", last_name="Wahyuni")


@pytest.fixture
def client_for(admin):
    """A browser logged in as the admin who imports the staff list."""
    client = Client()
    client.force_login(admin)
    return client
