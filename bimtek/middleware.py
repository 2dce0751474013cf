from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from core.pdf import SERVER_CODES, PdfNotMade


class LanguageMiddleware:
    """Speak Indonesian unless the visitor chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many phones in
    Indonesia are set to English; the office language of this app is Indonesian all the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PdfNotMadeMiddleware:
    """Answer a request whose PDF could not be made with the reason, instead of an error 500.

    Every PDF is made through core.pdf, which stops a render past its time limit; the
    certificates refuse a stored image that fails the upload check. Both raise PdfNotMade with
    a message the user can act on, whichever view asked for the PDF.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PdfNotMade):
            return None
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        return render(
            request,
            "pdf_not_made.html",
            {"reasons": exception.messages, "back": back},
            status=503 if exception.code in SERVER_CODES else 409,
        )
