"""Settings for benchmarks/checkin_burst.py only: the app's settings with a URLconf that adds
the bare-insert view the check-in is compared with. Never used by the app or its tests."""

from bimtek.settings import *

ROOT_URLCONF = "benchmarks.checkin_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
