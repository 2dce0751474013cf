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

SIGNATURE_FIELD = "TandaTanganSertifikat"
# Bytes allowed, besides the certificates, for the signature value (512 with a 4096-bit RSA key)
# and for the signed attributes and CMS structure (a whole signature with a 2048-bit RSA key and
# its certificate measured 1,301 bytes).
SIGNATURE_VALUE_ROOM = 1024
SIGNED_ATTRIBUTES_ROOM = 1024


class UnsignedBackend:
    """Leave PDFs unsigned (the default until the office configures a key)."""

    signs = False
    is_bsre = False

    def sign(self, pdf: bytes, *, certificate) -> bytes:
        return pdf


def _signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class KeptKeySigner(SimpleSigner):
        """A SimpleSigner that decodes its private key once, not again for every signature.

        SimpleSigner.sign_raw() loads the key from DER each time, which for RSA (with its
        consistency checks) took 44 ms of a 45 ms signature when measured.
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._private_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None
            )

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                name = mechanism.signature_algo
            except ValueError:
                name = mechanism["algorithm"].native
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if name == "rsassa_pkcs1v15":
                return self._private_key.sign(data, PKCS1v15(), hash_algorithm)
            if name == "ecdsa":
                return self._private_key.sign(data, ECDSA(hash_algorithm))
            return super().sign_raw(data, digest_algorithm)  # rarer keys: pyHanko's own way

    return KeptKeySigner


@functools.cache
def _load_signer(path: str, password: str, modified: float):
    """Load a PKCS#12 file once per process (and again when the file changes).

    Return the signer and the room to reserve for its signature in the PDF.
    """
    from pyhanko.sign import signers

    try:
        with open(path, "rb") as pkcs12_file:
            data = pkcs12_file.read()
    except OSError as error:
        raise ImproperlyConfigured(f"Cannot read CERTIFICATES_SIGNING_PKCS12: {error}") from error
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=password.encode() if password else None
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            "CERTIFICATES_SIGNING_PKCS12 cannot be opened with CERTIFICATES_SIGNING_PASSWORD."
        ) from error
    signer = _signer_class()(
        signing_cert=loaded.signing_cert,
        signing_key=loaded.signing_key,
        cert_registry=loaded.cert_registry,
    )
    # The signature holds the certificates, the signature value and some signed attributes; a
    # fixed allowance spares pyHanko a trial signature per PDF just to measure it. It is
    # written in hex, hence twice the bytes.
    certificates = [signer.signing_cert, *signer.cert_registry]
    certificates_size = sum(len(cert.dump()) for cert in certificates)
    return signer, 2 * (certificates_size + SIGNATURE_VALUE_ROOM + SIGNED_ATTRIBUTES_ROOM)


class PKCS12Backend:
    """Sign each PDF (PAdES B-B, invisible field) with the office's own PKCS#12 key.

    This is a digital signature anyone can check in a PDF reader, but not a certified BSrE one:
    the PDF never carries the BSrE footer.
    """

    signs = True
    is_bsre = False

    def __init__(self):
        self.path = settings.CERTIFICATES_SIGNING_PKCS12
        self.password = settings.CERTIFICATES_SIGNING_PASSWORD
        if not self.path:
            raise ImproperlyConfigured("PKCS12Backend needs CERTIFICATES_SIGNING_PKCS12.")

    def signer(self):
        """Return the loaded signer and the bytes to reserve for its signature."""
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

        signer, room = self.signer()
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
            bytes_reserved=room,
        )
        return out.getvalue()


def signing_backend():
    """Return the configured signing backend."""
    return import_string(settings.CERTIFICATES_SIGNING_BACKEND)()
