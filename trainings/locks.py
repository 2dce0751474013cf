"""
Locks that make a check and the write it guards one step, where there is no row to lock.

A room is free text on a session, not a row, so a room clash cannot be guarded by
select_for_update(): two organisers saving sessions for the same room at overlapping times
would both read "free" under PostgreSQL's READ COMMITTED and both save. lock_rooms takes a
PostgreSQL advisory lock per (date, room) instead, held until the transaction ends; whoever comes
second waits, then reads the first one's session and is refused.

SQLite needs nothing: the project opens every transaction with BEGIN IMMEDIATE
(settings.SQLITE_OPTIONS), which takes the database's single write lock before the first read,
so writers already check and save one at a time.
"""

import datetime
from collections.abc import Iterable

from django.db import connection

from trainings.selectors.trainings import normalize_room

# Keeps these keys apart from any other advisory lock the database may serve.
ROOM_NAMESPACE = "bimtek.session-room"


def lock_rooms(slots: Iterable[tuple[datetime.date, str]]) -> None:
    """Hold each (date, room) for the rest of the transaction; rooms left empty never clash."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_rooms() outside a transaction would let go at once.")
    # Always in the same order, so two transactions holding several rooms never deadlock.
    keys = sorted(
        {
            (date.isoformat(), room)
            for date, room in ((date, normalize_room(room)) for date, room in slots)
            if room
        },
        key=lambda slot: (slot[0], slot[1].upper(), slot[1]),
    )
    with connection.cursor() as cursor:
        for day, room in keys:
            # UPPER() in the database, as the clash query's room__iexact compares: any two
            # spellings that clash there take the same lock.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s || UPPER(%s), 0))",
                [f"{ROOM_NAMESPACE}|{day}|", room],
            )
