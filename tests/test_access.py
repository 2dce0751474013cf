"""Every page of the app asks who is asking: anonymous visitors are sent to log in."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open: logging in and everything allauth offers before it, account
# activation with a code, the language switch, the public certificate check, the health check.
PUBLIC_PREFIXES = (
    "akun/", "aktivasi/", "i18n/", "admin/", "media/", "^media/", "verify/", "healthz",
)  # fmt: skip


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _example_path(route: str) -> str:
    path = route
    for converter, value in (("<int:", "999999"), ("<str:", "ABCDEF"), ("<slug:", "contoh"), ("<uuid:", "00000000-0000-0000-0000-000000000000"), ("<path:", "x")):
        while converter in path:
            start = path.index(converter)
            end = path.index(">", start)
            path = path[:start] + value + path[end + 1 :]
    return "/" + path


APP_ROUTES = sorted(
    route for route in set(_patterns()) if route and not route.startswith(PUBLIC_PREFIXES)
)


def test_the_app_has_pages_to_protect():
    assert len(APP_ROUTES) >= 8


@pytest.mark.django_db
@pytest.mark.parametrize("route", APP_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, route, method):
    path = _example_path(route)

    response = getattr(client, method)(path)

    assert response.status_code in (302, 405), f"{method.upper()} {path}"
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/akun/login/"), path
