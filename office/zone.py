"""The office's time zone made current: per request (middleware) and around tasks and commands."""

from contextlib import contextmanager

from django.utils import timezone

from office.selectors import office_zone


@contextmanager
def office_time():
    """Show and compute times in the office's zone inside the block."""
    with timezone.override(office_zone()):
        yield


class OfficeZoneMiddleware:
    """Activate the office's time zone for the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with office_time():
            return self.get_response(request)
