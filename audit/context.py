"""The request being served, for an entry recorded without one at hand (a signal, a service)."""

import contextvars

_current_request = contextvars.ContextVar("audit_current_request", default=None)


def current_request():
    """Return the request this thread or task is serving, or None outside a request."""
    return _current_request.get()


class RequestScope:
    """Make a request the current one while it is served."""

    def __init__(self, request):
        self.request = request

    def __enter__(self):
        self.token = _current_request.set(self.request)
        return self.request

    def __exit__(self, *exc):
        _current_request.reset(self.token)
