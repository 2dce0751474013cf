"""
Django's database sessions, read with a SELECT written once per process.

Every request of a signed-in user reads its session row: the ORM would compile that one-column
lookup afresh each time, at about four times the database's own cost (see core.rows).
Everything else (writing, expiry, clearsessions) is Django's.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core.rows import fetch_one, session_data_sql


class SessionStore(db.SessionStore):
    def load(self):
        alias = router.db_for_read(self.model)
        now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
        row = fetch_one(alias, session_data_sql(alias), [self.session_key, now])
        if row is None:
            # Unknown or expired, as only a stale cookie is: Django's own load() finds nothing
            # either and forgets the key, so the next save takes a new one, never this one.
            return super().load()
        return self.decode(row[0])
