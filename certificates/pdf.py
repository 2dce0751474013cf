"""
The certificate PDF: the snapshot stored with a certificate, rendered from a Django template by
WeasyPrint through core.pdf (its font configuration and its URL fetcher, which reads
only our static and media files).

build_snapshot() freezes what a certificate prints, so a later edit of the staff directory, the
training or the settings never changes an issued certificate; render_certificate() turns a
snapshot into PDF bytes and can do so for an unsaved preview.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from core.qr import qr_svg as shared_qr_svg
from core.pdf import render_pdf
from core.templatetags.tanggal import format_date_range
from office.selectors import current_office
from participants.names import full_name

from certificates.images import check_stored_image
from certificates.models import CertificateSettings, format_code

TEMPLATE = "certificates/pdf/certificate.html"
# Parsed once per worker process and applied to every certificate (see core.pdf).
STYLESHEETS = ("css/certificates-pdf.css",)
DEFAULT_LOGO = "img/certificate-emblem.svg"
# The uploaded images a snapshot prints: its key in the snapshot, the settings field it came from.
STORED_IMAGES = {"logo": "logo", "background": "background", "signature": "signature_image"}
SNAPSHOT_VERSION = 1

_ONES = [
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
]  # fmt: skip


def terbilang(number: int) -> str:
    """Spell a whole number in Indonesian: 14 -> "empat belas", 120 -> "seratus dua puluh"."""
    if number < 0:
        return "minus " + terbilang(-number)
    if number < 12:
        return _ONES[number] or "nol"
    if number < 20:
        return f"{_ONES[number - 10]} belas"
    if number < 100:
        tens, rest = divmod(number, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[rest]}" if rest else "")
    if number < 200:
        return "seratus" + (f" {terbilang(number - 100)}" if number > 100 else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} ratus" + (f" {terbilang(rest)}" if rest else "")
    if number < 2000:
        return "seribu" + (f" {terbilang(number - 1000)}" if number > 1000 else "")
    thousands, rest = divmod(number, 1000)
    return f"{terbilang(thousands)} ribu" + (f" {terbilang(rest)}" if rest else "")


def print_name(employee) -> str:
    """Return the name as a certificate prints it: in capitals, titles as they are written."""
    return full_name(employee.gelar_depan, employee.name.upper(), employee.gelar_belakang)


def name_size_class(name: str) -> str:
    """Return the CSS class that sizes a printed name by its length, so it always fits."""
    length = len(name)
    if length <= 30:
        return "name-l"
    if length <= 42:
        return "name-m"
    if length <= 58:
        return "name-s"
    return "name-xs"


def _file_name(field) -> str:
    return field.name if field else ""


def printed_by(cs: CertificateSettings) -> dict:
    """Return who a certificate says issued and signed it: the settings', else the office's."""
    office = current_office()
    own_signer = bool(cs.signer_name)
    return {
        "government": cs.government or office.government,
        "issuer": cs.issuer or office.agency,
        "place": cs.place or office.place,
        "signer_name": cs.signer_name if own_signer else office.head_name,
        "signer_position": cs.signer_position if own_signer else office.head_position,
        "signer_pangkat": cs.signer_pangkat if own_signer else office.head_pangkat,
        "signer_nip": cs.signer_nip if own_signer else office.head_nip,
        "logo": _file_name(cs.logo) or _file_name(office.emblem),
    }


def build_snapshot(
    *, enrolment, certificate_settings: CertificateSettings, sessions, signed_on: datetime.date
) -> dict:
    """Return the data a certificate prints, as JSON-ready values, frozen at issue."""
    employee, training = enrolment.employee, enrolment.training
    jp = sum(session.jp for session in sessions)
    topics: dict[str, int] = {}
    for session in sessions:
        topics[session.topic] = topics.get(session.topic, 0) + session.jp
    with translation.override(settings.LANGUAGE_CODE):
        dates = format_date_range(training.start_date, training.end_date)
    cs = certificate_settings
    printed = printed_by(cs)
    return {
        "v": SNAPSHOT_VERSION,
        "name": employee.full_name,
        "print_name": print_name(employee),
        "nip": employee.nip_display,
        "pangkat": employee.pangkat_display,
        "jabatan": employee.jabatan,
        "unit": employee.unit.name,
        "training_code": training.code,
        "training_title": training.title,
        "batch": training.batch,
        "start_date": training.start_date.isoformat(),
        "end_date": training.end_date.isoformat(),
        "dates": dates,
        "venue": training.venue,
        "jp": jp,
        "jp_words": terbilang(jp),
        "topics": [[topic, topic_jp] for topic, topic_jp in topics.items()],
        "organiser": training.organiser_unit.name,
        "government": printed["government"],
        "issuer": printed["issuer"],
        "course_kind": cs.course_kind,
        "qualification": cs.qualification,
        "place": printed["place"],
        "signed_on": signed_on.isoformat(),
        "signer_name": printed["signer_name"],
        "signer_position": printed["signer_position"],
        "signer_pangkat": printed["signer_pangkat"],
        "signer_nip": printed["signer_nip"],
        "logo": printed["logo"],
        "background": _file_name(cs.background),
        "signature": _file_name(cs.signature_image),
        "orientation": cs.orientation,
        "back_page": cs.back_page,
    }


def verification_url(code: str) -> str:
    """Return the public address a certificate's QR code carries."""
    return settings.SITE_URL + reverse("verify:certificate", kwargs={"code": code})


def qr_svg(url: str) -> str:
    """Return an inline SVG QR code for a URL, without a quiet zone (the layout leaves one)."""
    return shared_qr_svg(url, border=0)


def _signer_nip(nip: str) -> str:
    from participants.nip import format_nip

    return format_nip(nip) if len(nip) == 18 and nip.isdigit() else nip


def certificate_context(
    *, snapshot: dict, number: str, code: str, bsre: bool = False, preview: bool = False
) -> dict:
    """Return the template context for a snapshot.

    bsre prints the footer saying the PDF is signed with a BSrE-BSSN certificate: only for a
    signing backend that is BSrE (see signing.py), never for an unsigned or self-signed PDF.
    """
    url = verification_url(code)
    signed_on = datetime.date.fromisoformat(snapshot["signed_on"])
    with translation.override(settings.LANGUAGE_CODE):
        from django.utils import formats

        signed_on_text = formats.date_format(signed_on, "j F Y")
    return {
        "s": snapshot,
        "number": number,
        "code": format_code(code),
        "verify_url": url,
        "qr": mark_safe(qr_svg(url)),  # segno's own markup
        "name_class": name_size_class(snapshot["print_name"]),
        "signed_on": signed_on_text,
        "signer_nip": _signer_nip(snapshot["signer_nip"]),
        "logo_static": "" if snapshot["logo"] else DEFAULT_LOGO,
        "bsre": bsre,
        "preview": preview,
    }


def render_options() -> dict:
    """Return the WeasyPrint options of a certificate: PDF/A-3b unless settings say otherwise."""
    variant = settings.CERTIFICATES_PDF_VARIANT
    return {"pdf_variant": variant} if variant else {}


def render_certificate(
    *, snapshot: dict, number: str, code: str, bsre: bool = False, preview: bool = False
) -> bytes:
    """Render a certificate's PDF from its snapshot, in Indonesian whatever the request's language.

    Each uploaded image it prints is checked first with the upload's rule (PdfNotMade names
    the one to replace).
    """
    for key, field in STORED_IMAGES.items():
        if snapshot.get(key):
            label = capfirst(CertificateSettings._meta.get_field(field).verbose_name)
            check_stored_image(snapshot[key], label=label)
    context = certificate_context(
        snapshot=snapshot, number=number, code=code, bsre=bsre, preview=preview
    )
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            TEMPLATE,
            context,
            time_limit=settings.PDF_TIME_LIMIT_CERTIFICATE,
            stylesheets=STYLESHEETS,
            **render_options(),
        )
