import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from core.rows import Columns, fetch_one

from participants.models import Employee, User


class AuthenticationBackend(AllauthBackend):
    """Allauth's login by NIP (username) or email; loads the directory entry with the user.

    Every page's menu asks whether the user has a directory entry, so fetching it with the user
    saves a query on each request. Every request of a signed-in user runs this query, so its SQL
    is written once (core.rows) rather than compiled by the ORM each time.
    """

    def get_user(self, user_id):
        alias = User._default_manager.db
        row = fetch_one(alias, _user_sql(alias), [user_id])
        if row is None:
            return None
        user_columns, employee_columns = _columns()
        user = user_columns.instance(alias, row[: len(user_columns)])
        employee = employee_columns.instance(alias, row[len(user_columns) :])
        User.employee.related.set_cached_value(user, employee)
        if employee is not None:
            Employee.user.field.set_cached_value(employee, user)
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _columns() -> tuple[Columns, Columns]:
    return Columns(User, "u"), Columns(Employee, "e")


@functools.cache
def _user_sql(alias: str) -> str:
    users, employees = _columns()
    return (
        f"SELECT {users.select(alias)}, {employees.select(alias)} "
        f"FROM {users.table(alias)} "
        f"LEFT JOIN {employees.table(alias)} "
        f"ON {employees.column(alias, 'user')} = {users.column(alias, 'id')} "
        f"WHERE {users.column(alias, 'id')} = %s"
    )
