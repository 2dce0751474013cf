"""The one rate limit: attempts counted per key in the shared cache, refused past the limit."""

import time

import pytest
from django.core.cache import cache
from django.utils import translation

from core.ratelimit import RateLimit


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_attempts_up_to_the_limit_pass_and_the_next_one_is_beyond_it():
    limit = RateLimit("test.logins", limit=3, window=60)

    beyond = [limit.hit("10.0.0.1") for _attempt in range(5)]

    assert beyond == [False, False, False, True, True]
    assert limit.is_limited("10.0.0.1")


def test_a_key_is_limited_only_once_its_attempts_are_used_up():
    limit = RateLimit("test.logins", limit=3, window=60)
    limit.hit("10.0.0.1")
    limit.hit("10.0.0.1")

    assert not limit.is_limited("10.0.0.1")
    limit.hit("10.0.0.1")
    assert limit.is_limited("10.0.0.1")


def test_each_key_has_its_own_count_and_each_prefix_its_own_keys():
    logins = RateLimit("test.logins", limit=2, window=60)
    logins.hit("10.0.0.1")
    logins.hit("10.0.0.1")

    assert logins.is_limited("10.0.0.1")
    assert not logins.is_limited("10.0.0.2")
    assert not RateLimit("test.codes", limit=2, window=60).is_limited("10.0.0.1")


def test_the_count_is_kept_in_the_shared_cache_for_every_limiter_built_alike():
    # Each request builds its own RateLimit from settings: the count lives in the cache, not in it.
    for _attempt in range(2):
        RateLimit("test.logins", limit=2, window=60).hit(42)

    assert RateLimit("test.logins", limit=2, window=60).is_limited(42)


def test_the_count_ends_with_the_window():
    limit = RateLimit("test.logins", limit=1, window=1)
    limit.hit("10.0.0.1")
    assert limit.is_limited("10.0.0.1")

    time.sleep(1.1)

    assert not limit.is_limited("10.0.0.1")
    assert limit.hit("10.0.0.1") is False


@pytest.mark.parametrize(
    ("window", "words"),
    [(15 * 60, "15 menit"), (5 * 60, "5 menit"), (60, "1 menit"), (90, "2 menit"), (1, "1 menit")],
)
def test_the_wait_is_the_window_in_whole_minutes_rounded_up(window, words):
    assert RateLimit("test.logins", limit=1, window=window).wait() == words


def test_the_wait_is_said_in_english_too():
    with translation.override("en"):
        assert RateLimit("test.logins", limit=1, window=60).wait() == "1 minute"
        assert RateLimit("test.logins", limit=1, window=600).wait() == "10 minutes"



@pytest.mark.django_db
def test_on_the_database_cache_a_window_longer_than_its_default_timeout_holds(
    settings, monkeypatch
):
    # The database cache's incr() writes the key back with the cache's default 300-second
    # timeout; the limit sets the window again, so 15 minutes stay 15 minutes.
    import datetime

    from django.core.cache import caches
    from django.core.management import call_command
    from django.utils import timezone

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "test_ratelimit_cache",
            "TIMEOUT": 300,
        }
    }
    call_command("createcachetable", verbosity=0)
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr("django.core.cache.backends.db.tz_now", lambda: clock["now"])
    limit = RateLimit("test.logins", limit=2, window=15 * 60)
    limit.hit("10.0.0.1")
    limit.hit("10.0.0.1")

    clock["now"] = start + datetime.timedelta(minutes=10)
    assert limit.is_limited("10.0.0.1")
    clock["now"] = start + datetime.timedelta(minutes=15, seconds=1)
    assert not limit.is_limited("10.0.0.1")
