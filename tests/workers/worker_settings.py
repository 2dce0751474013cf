"""Settings for a worker process under test: the project's, with a short SQLite busy timeout,
so that a lock held by another connection for a few seconds makes the worker's statements fail
with "database is locked" (the project waits 30 s) and a test can see the loop survive it."""

from bimtek.settings import *  # noqa: F403

DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, "timeout": 0.3}  # noqa: F405
