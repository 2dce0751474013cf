from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from core.mfa import mfa_setup_missing
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


class MfaRequiredMiddleware:
    """Lead an account that must sign in with a second factor (core.mfa) to set one up first.

    Until it has one, every page but the set-up page, allauth's account pages (the MFA set-up,
    log out, reauthentication), the language switch, static files, the public verification
    pages and /healthz answers with a redirect to the set-up page: the organiser pages, the staff
    directory and the Django admin stay closed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if mfa_setup_missing(request.user) and not self._open_path(request.path_info):
            return redirect_to_login(
                request.get_full_path(), reverse("mfa_required"), REDIRECT_FIELD_NAME
            )
        return self.get_response(request)

    @staticmethod
    def _open_path(path: str) -> bool:
        open_prefixes = (
            reverse("mfa_required"),
            reverse("account_login").removesuffix("login/"),  # allauth's pages, /akun/
            reverse("set_language"),
            reverse("healthz"),
            reverse("verify:lookup"),
            "/" + settings.STATIC_URL.lstrip("/"),
        )
        return path.startswith(open_prefixes)
