"""
Electronic signing of certificate PDFs, as a pluggable backend.

A backend is a class named by settings.CERTIFICATES_SIGNING_BACKEND with three members:

- ``signs: bool``: whether sign() puts a digital signature on the PDF;
- ``is_bsre: bool``: whether that signature is a certified one from BSrE (BSSN). Only such a
  backend may have the template print the BSrE footer; an office's own key is not BSrE;
- ``sign(pdf, *, certificate) -> bytes``: return the PDF to store (its SHA-256 is taken after).

Two backends ship: UnsignedBackend (the default) and PKCS12Backend, a PAdES baseline B-B
signature with the key and certificate of a PKCS#12 file the office configures (settings
CERTIFICATES_SIGNING_PKCS12 and CERTIFICATES_SIGNING_PASSWORD, from the environment). A BSrE
integration would be a third class with is_bsre = True.
"""

import functools
import io
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "certificates.signing.UnsignedBackend"
SIGNATURE_FIELD = "TandaTanganSertifikat"


class UnsignedBackend:
    """Leave PDFs unsigned (the default until the office configures a key)."""

    signs = False
    is_bsre = False

    def sign(self, pdf: bytes, *, certificate) -> bytes:
        return pdf


@functools.cache
def _load_signer(path: str, password: str, modified: float):
    """Load a PKCS#12 file once per process (and again when the file changes)."""
    from pyhanko.sign import signers

    try:
        with open(path, "rb") as pkcs12_file:
            data = pkcs12_file.read()
    except OSError as error:
        raise ImproperlyConfigured(f"Cannot read CERTIFICATES_SIGNING_PKCS12: {error}") from error
    try:
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=password.encode() if password else None
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            "CERTIFICATES_SIGNING_PKCS12 cannot be opened with CERTIFICATES_SIGNING_PASSWORD."
        ) from error


class PKCS12Backend:
    """Sign each PDF (PAdES B-B, invisible field) with the office's own PKCS#12 key.

    This is a digital signature anyone can check in a PDF reader, but not a certified BSrE one:
    the PDF never carries the BSrE footer.
    """

    signs = True
    is_bsre = False

    def __init__(self):
        self.path = getattr(settings, "CERTIFICATES_SIGNING_PKCS12", "")
        self.password = getattr(settings, "CERTIFICATES_SIGNING_PASSWORD", "")
        if not self.path:
            raise ImproperlyConfigured("PKCS12Backend needs CERTIFICATES_SIGNING_PKCS12.")

    def signer(self):
        try:
            modified = os.stat(self.path).st_mtime
        except OSError as error:
            raise ImproperlyConfigured(
                f"Cannot read CERTIFICATES_SIGNING_PKCS12: {error}"
            ) from error
        return _load_signer(self.path, self.password, modified)

    def sign(self, pdf: bytes, *, certificate) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        signer = self.signer()
        metadata = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=f"Sertifikat {certificate.number}",
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        # No box: the new field is invisible; the printed page stays as WeasyPrint laid it out.
        out = signers.sign_pdf(
            writer,
            metadata,
            signer=signer,
            new_field_spec=fields.SigFieldSpec(sig_field_name=SIGNATURE_FIELD),
        )
        return out.getvalue()


def signing_backend():
    """Return the configured signing backend."""
    return import_string(getattr(settings, "CERTIFICATES_SIGNING_BACKEND", DEFAULT_BACKEND))()
