"""
The few queries every request runs, written once per process instead of compiled each time.

The ORM compiles a query afresh each time it runs. For the login session, the signed-in user and
the check-in's lookup that compiling costs three to five times what the database spends on the
query (measured in benchmarks/checkin_burst.py), and a check-in is little else but these and its
INSERT. Every statement written instead of an ORM query is here, built from the models' own
table and column names (the callers pass their models' Columns, so this bottom layer imports
none), and each row becomes the instance the ORM would give: every value goes through the same
converters (SQLite's datetimes become aware, JSON is decoded, and so on) and the instance comes
from Model.from_db; an insert prepares its values as save() does. On PostgreSQL, with the
parameters bound on the server (DATABASE_PREPARED_STATEMENTS, see settings), psycopg makes a
statement that a connection has run five times a prepared one: parsed and planned once, not
every time.
"""

import functools

from django.db import connections, router
from django.db.models import Model
from django.db.models.signals import post_save, pre_save


class Columns:
    """A model's concrete columns under a table alias: the SELECT list and the rows' instances."""

    def __init__(self, model: type[Model], alias: str):
        self.model = model
        self.alias = alias
        self.fields = tuple(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)

    def __len__(self) -> int:
        return len(self.fields)

    def table(self, alias: str) -> str:
        """Return `table alias` for a FROM or JOIN clause."""
        quote = connections[alias].ops.quote_name
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    def column(self, alias: str, name: str) -> str:
        """Return a field's column under this alias, quoted: `"s"."training_id"`."""
        quote = connections[alias].ops.quote_name
        return f"{quote(self.alias)}.{quote(self.model._meta.get_field(name).column)}"

    def select(self, alias: str) -> str:
        """Return the SELECT list of every concrete column, in field order."""
        return ", ".join(self.column(alias, field.name) for field in self.fields)

    def instance(self, alias: str, values) -> Model | None:
        """Return the model instance of the values (in field order); None for a missed LEFT JOIN."""
        if values[self.pk_index] is None:
            return None
        connection = connections[alias]
        converted = list(values)
        for index, (expression, converters) in enumerate(self._converters(alias)):
            for converter in converters:
                converted[index] = converter(converted[index], expression, connection)
        return self.model.from_db(alias, self.attnames, converted)

    @functools.cache  # noqa: B019 - a handful of Columns live as long as the process
    def _converters(self, alias: str) -> list[tuple]:
        connection = connections[alias]
        result = []
        for field in self.fields:
            expression = field.get_col(self.alias)
            result.append(
                (
                    expression,
                    connection.ops.get_db_converters(expression)
                    + expression.get_db_converters(connection),
                )
            )
        return result


# The reads -------------------------------------------------------------------------------------


@functools.cache
def session_data_sql(alias: str) -> str:
    """Return the SELECT of a login session's data by its key, unless it has expired by then."""
    from django.contrib.sessions.models import Session

    sessions = Columns(Session, "s")
    return (
        f"SELECT {sessions.column(alias, 'session_data')} FROM {sessions.table(alias)} "
        f"WHERE {sessions.column(alias, 'session_key')} = %s "
        f"AND {sessions.column(alias, 'expire_date')} > %s"
    )


@functools.cache
def one_to_one_sql(alias: str, rows: Columns, linked: Columns, link: str) -> str:
    """Return the SELECT of a row by key with the row whose one-to-one `link` points at it."""
    key = rows.model._meta.pk.name
    return (
        f"SELECT {rows.select(alias)}, {linked.select(alias)} "
        f"FROM {rows.table(alias)} "
        f"LEFT JOIN {linked.table(alias)} "
        f"ON {linked.column(alias, link)} = {rows.column(alias, key)} "
        f"WHERE {rows.column(alias, key)} = %s"
    )


@functools.cache
def checkin_target_sql(
    alias: str, sessions: Columns, trainings: Columns, enrolments: Columns
) -> str:
    """Return the SELECT of a session by key, its training and one person's enrolment there."""
    return (
        f"SELECT {sessions.select(alias)}, {trainings.select(alias)}, "
        f"{enrolments.column(alias, 'id')}, {enrolments.column(alias, 'status')} "
        f"FROM {sessions.table(alias)} "
        f"INNER JOIN {trainings.table(alias)} "
        f"ON {trainings.column(alias, 'id')} = {sessions.column(alias, 'training')} "
        f"LEFT JOIN {enrolments.table(alias)} "
        f"ON {enrolments.column(alias, 'training')} = {trainings.column(alias, 'id')} "
        f"AND {enrolments.column(alias, 'employee')} = %s "
        f"WHERE {sessions.column(alias, 'id')} = %s"
    )


def fetch_one(alias: str, sql: str, params) -> tuple | None:
    """Run a SELECT on the database `alias` and return its first row, or None."""
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# The write -------------------------------------------------------------------------------------


def insert(instance: Model) -> None:
    """Save a new instance with one INSERT, as save(force_insert=True) would.

    The SQL is written once per model; every value is prepared as the ORM prepares it
    (auto_now, files, IP addresses) and the primary key comes back from the database. save()
    itself does not run, nor do its pre_save and post_save signals: a model with a save() of
    its own or a receiver of either signal is refused, as that code would silently not run.
    """
    model = type(instance)
    _refuse_skipped_code(model)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    fields = _insert_fields(model)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, alias), values)
        if connection.features.can_return_columns_from_insert:
            pk = cursor.fetchone()[0]
        else:
            pk = cursor.lastrowid
    setattr(instance, model._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = alias


def _refuse_skipped_code(model: type[Model]) -> None:
    # Checked on every insert, not once: a receiver may be connected at any time. The signals
    # cache their receivers per sender, so asking costs a dictionary lookup.
    if model.save is not Model.save:
        raise TypeError(f"rows.insert() would skip {model.__name__}.save(); call save().")
    for signal, name in ((pre_save, "pre_save"), (post_save, "post_save")):
        if signal.has_listeners(model):
            raise TypeError(
                f"rows.insert() would skip the {name} receivers of {model.__name__}; call save()."
            )


@functools.cache
def _insert_fields(model: type[Model]) -> tuple:
    meta = model._meta
    return tuple(
        field
        for field in meta.local_concrete_fields
        if field is not meta.auto_field and not field.generated
    )


@functools.cache
def _insert_sql(model: type[Model], alias: str) -> str:
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = _insert_fields(model)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql
