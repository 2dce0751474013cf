from audit.context import RequestScope


class AuditRequestMiddleware:
    """Let audit.services.record find who is asking, from where, while a request is served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with RequestScope(request):
            return self.get_response(request)
