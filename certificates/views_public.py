"""
The public verification page: anyone holding a certificate (or its QR code) can check it.

No login. A code is looked up by its exact value only, after checking it is made of the code
alphabet, so nothing can be found by a partial or similar code; each address may ask a limited
number of times a minute (the cache counts), so codes cannot be enumerated. The page shows
only what a check needs (UU PDP 27/2022, data minimisation): the holder's name with titles, the
training, its dates and lesson hours, the number, the issuer and the status; no NIP, not even
masked (its digits are a birth date and a sequence), and a revocation in general words, never
the reason typed by staff. A PDF can be uploaded to check it is exactly the file we issued.
"""

import datetime
import hashlib
import hmac

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.ratelimit import RateLimit

from certificates.forms import CodeForm, PdfCheckForm
from certificates.models import Certificate
from certificates.selectors import certificate_by_code, normalize_code


def _verify_limit() -> RateLimit:
    """Return the limit on certificate checks per visitor's address: so many a minute."""
    return RateLimit(
        "certificates.verify", limit=settings.CERTIFICATES_VERIFY_PER_MINUTE, window=60
    )


def _rate_limited(request) -> bool:
    """Count this request against the visitor's address; True once over the limit."""
    return _verify_limit().hit(get_adapter(request).get_client_ip(request))


def _too_many(request):
    response = render(request, "certificates/verify/too_many.html", status=429)
    response["Retry-After"] = str(_verify_limit().window)
    return response


# What the public page may show of a certificate's snapshot; the rest (NIP, rank, position,
# unit, topics) stays with the holder and the organiser.
PUBLIC_FIELDS = ("name", "training_title", "dates", "jp", "issuer", "government")


def public_facts(snapshot: dict) -> dict:
    """Return the part of a certificate's snapshot that anyone checking it may see.

    `signed_on` is the date printed above the signature, after the place of signing, as a date:
    the page shows the certificate's own date, the one the holder sees on paper.
    """
    facts = {key: snapshot.get(key, "") for key in PUBLIC_FIELDS}
    signed_on = snapshot.get("signed_on")
    facts["signed_on"] = datetime.date.fromisoformat(signed_on) if signed_on else None
    return facts


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _sha256(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    """Let a visitor type the code printed under a certificate's QR code."""
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if _rate_limited(request):
            return _too_many(request)
        if form.is_valid():
            return redirect("verify:certificate", code=form.cleaned_data["code"])
    return render(request, "certificates/verify/lookup.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def certificate(request, code):
    """Show whether a certificate is valid, revoked or replaced; check an uploaded copy."""
    if _rate_limited(request):
        return _too_many(request)
    found = certificate_by_code(code)
    # Compare what was asked with what was found in constant time (the lookup is by exact value).
    if found is None or not hmac.compare_digest(found.code, normalize_code(code)):
        return render(request, "certificates/verify/not_found.html", status=404)
    form = PdfCheckForm()
    check = None
    too_large = settings.CERTIFICATES_MAX_CHECK_BYTES + 64 * 1024
    if request.method == "POST" and _content_length(request) > too_large:
        # Refuse before reading the body: a large upload cannot be one of our certificates.
        form = PdfCheckForm({}, {})
        form.is_valid()
        form.errors["pdf"] = form.error_class([PdfCheckForm.too_large_message()])
    elif request.method == "POST":
        form = PdfCheckForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["pdf"]
            check = bool(found.sha256) and hmac.compare_digest(_sha256(uploaded), found.sha256)
    facts = public_facts(found.snapshot)
    recorded_on = timezone.localdate(found.issued_at)
    return render(
        request,
        "certificates/verify/certificate.html",
        {
            "certificate": found,
            "s": facts,
            "dated": facts["signed_on"] or recorded_on,
            # A certificate dated at the end of a training long ago but entered into Bimtek
            # today says so apart, so the two dates are never mistaken for each other.
            "recorded_on": recorded_on if recorded_on != facts["signed_on"] else None,
            "replacement": found.replaced_by
            if found.status == Certificate.Status.REPLACED
            else None,
            "form": form,
            "check": check,
            "max_mb": f"{settings.CERTIFICATES_MAX_CHECK_BYTES / 1024 / 1024:g}",
            "title": _("Certificate check"),
        },
    )
