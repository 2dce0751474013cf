"""An install from before the office profile keeps printing the same documents.

Its profile is filled from what it used until now: the default certificate settings (letterhead,
issuing body, unit code, number pattern, place and signer), the place its attendance sheets
printed (BIMTEK_DOCUMENT_PLACE) and the time zone it ran in (settings.TIME_ZONE). A fresh install
has none of these, gets no profile, and its administrator fills it in on the set-up page.
"""

import os

from django.conf import settings
from django.db import migrations

ZONES = {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}


def fill_from_the_install(apps, schema_editor):
    Office = apps.get_model("office", "Office")
    CertificateSettings = apps.get_model("certificates", "CertificateSettings")
    Training = apps.get_model("trainings", "Training")
    if Office.objects.exists():
        return
    default = CertificateSettings.objects.filter(training__isnull=True).first()
    if default is None and not Training.objects.exists():
        return  # a fresh install: the set-up page asks
    values = {
        "place": os.environ.get("BIMTEK_DOCUMENT_PLACE", ""),
        "time_zone": settings.TIME_ZONE if settings.TIME_ZONE in ZONES else "",
    }
    if default is not None:
        values.update(
            government=default.government,
            agency=default.issuer,
            agency_code=default.unit_code,
            certificate_number_pattern=default.number_pattern,
            place=default.place or values["place"],
            head_name=default.signer_name,
            head_position=default.signer_position,
            head_pangkat=default.signer_pangkat,
            head_nip=default.signer_nip,
        )
    Office.objects.create(pk=1, **values)


class Migration(migrations.Migration):
    dependencies = [
        ("office", "0001_office_profile"),
        ("certificates", "0006_background_job_attempt"),
        ("trainings", "0003_training_organisers"),
    ]

    operations = [migrations.RunPython(fill_from_the_install, migrations.RunPython.noop)]
