import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend

from core.rows import Columns, fetch_one, one_to_one_sql

from participants.models import Employee, User


class AuthenticationBackend(AllauthBackend):
    """Allauth's login by NIP (username) or email; loads the directory entry with the user.

    Every page's menu asks whether the user has a directory entry, so fetching it with the user
    saves a query on each request. Every request of a signed-in user runs this query, so its SQL
    is written once (core.rows) rather than compiled by the ORM each time.
    """

    def get_user(self, user_id):
        alias = User.objects.db
        users, employees = _columns()
        row = fetch_one(alias, one_to_one_sql(alias, users, employees, "user"), [user_id])
        if row is None:
            return None
        user = users.instance(alias, row[: len(users)])
        employee = employees.instance(alias, row[len(users) :])
        User.employee.related.set_cached_value(user, employee)
        if employee is not None:
            Employee.user.field.set_cached_value(employee, user)
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _columns() -> tuple[Columns, Columns]:
    return Columns(User, "u"), Columns(Employee, "e")
