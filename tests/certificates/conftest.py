import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with empty rate-limit counters."""
    cache.clear()
    yield
    cache.clear()
