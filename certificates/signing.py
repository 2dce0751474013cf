"""
Electronic signing of certificate PDFs, as a pluggable backend.

Real TTE needs an agency's BSrE (BSSN) integration, so the default backend signs nothing, and a
PDF it produces never carries the BSrE footer: the template prints that footer only when the
configured backend says it signs. A backend is a class named by
settings.CERTIFICATES_SIGNING_BACKEND with ``signs: bool`` and ``sign(pdf, *, certificate)``.
"""

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "certificates.signing.UnsignedBackend"


class UnsignedBackend:
    """Leave PDFs unsigned (the default until an agency's BSrE integration is configured)."""

    signs = False

    def sign(self, pdf: bytes, *, certificate) -> bytes:
        return pdf


def signing_backend():
    """Return the configured signing backend."""
    return import_string(getattr(settings, "CERTIFICATES_SIGNING_BACKEND", DEFAULT_BACKEND))()
