"""
Demo certificates: the finished demo training BIMTEK-PP-2022 gets its certificates, so the demo
has PDFs to download and codes to verify. Idempotent (valid certificates are never issued
twice) and a no-op while the demo training does not exist. The certificates are stored at once;
their PDFs are rendered by a background task queued on commit (or on first download), so
seeding the demo stays quick.
"""

import logging

from trainings.models import Training

from certificates.models import CertificateSettings
from certificates.services import IssueSummary, issue_for_training

logger = logging.getLogger(__name__)

DEMO_TRAINING = "BIMTEK-PP-2022"
# A fictional signer: the demo must not print a real official's name or NIP.
DEMO_SIGNER = {
    "signer_name": "Drs. Bambang Setiawan, M.Si.",
    "signer_position": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "signer_pangkat": "Pembina Utama Muda",
    "signer_nip": "197003151995031002",
}


def issue_demo_certificates() -> IssueSummary | None:
    """Issue the demo training's certificates; return the counts, or None without the training."""
    training = Training.objects.filter(code__iexact=DEMO_TRAINING).first()
    if training is None:
        return None
    default, _created = CertificateSettings.objects.get_or_create(training=None)
    if not default.signer_name:
        for name, value in DEMO_SIGNER.items():
            setattr(default, name, value)
        default.save()
    summary = issue_for_training(training=training, render=False)
    logger.info("Demo certificates: %s", summary)
    return summary
