"""A full disk for media: the user is told so in Indonesian, and nothing is left half-written.

No record points to a missing or partial file, and no partial file stays on disk: for the
logo, background and signature of the certificate settings, the certificate PDFs made when
issuing or on download, and the staff list the admin uploads. The disk is a real tmpfs of 64 KB filled up where the tests may
mount one (as root); elsewhere a FileSystemStorage that writes up to the space left and then
fails with ENOSPC, as the full disk does.
"""

import errno
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from certificates.models import Certificate, CertificateSettings, IssueRun
from participants.models import StaffListImport
from tests.certificates.factories import CertificateSettingsFactory, finished_training
from tests.factories import TrainingFactory, admin_user, organiser_user
from tests.participants.test_staff_files import csv_bytes

pytestmark = pytest.mark.django_db

FREE_BYTES = 8192
FULL = "Penyimpanan server penuh, sehingga berkas tidak disimpan dan tidak ada yang berubah."
FILLER = "filler.bin"


class FullDiskStorage(FileSystemStorage):
    """Media storage on a disk with FREE_BYTES left: a larger file is written up to them, then
    the write fails with ENOSPC and the part written stays, as on a real full disk."""

    def save(self, name, content, max_length=None):
        return super().save(name, _FillsTheDisk(content), max_length)


class _FillsTheDisk(File):
    def __init__(self, content):
        super().__init__(content, getattr(content, "name", None))
        self.content = content

    def chunks(self, chunk_size=None):
        left = FREE_BYTES
        for chunk in self.content.chunks(1024):
            if len(chunk) > left:
                yield chunk[:left]
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            left -= len(chunk)
            yield chunk


class FullDisk:
    def __init__(self, root: Path, settings):
        self.root, self.settings = root, settings
        self.mounted = (
            os.geteuid() == 0
            and subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(root)],
                capture_output=True,
            ).returncode
            == 0
        )
        settings.MEDIA_ROOT = root
        if self.mounted:
            self._fill()
        else:
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {"BACKEND": f"{__name__}.FullDiskStorage"},
            }

    def _fill(self):
        filler = self.root / FILLER
        with filler.open("wb") as out:
            try:
                while True:
                    out.write(bytes(4096))
                    out.flush()
            except OSError:
                pass
        with filler.open("r+b") as out:
            out.truncate(max(0, filler.stat().st_size - FREE_BYTES))

    def free_space(self):
        if self.mounted:
            (self.root / FILLER).unlink()
        else:
            self.settings.STORAGES = {
                **self.settings.STORAGES,
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            }

    def files(self) -> list[str]:
        return sorted(
            str(path.relative_to(self.root))
            for path in self.root.rglob("*")
            if path.is_file() and path.name != FILLER
        )

    def unmount(self):
        if self.mounted:
            subprocess.run(["umount", str(self.root)], check=True)


@pytest.fixture
def full_disk(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    disk = FullDisk(root, settings)
    yield disk
    disk.unmount()


def _noisy_png() -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (100, 100), os.urandom(100 * 100 * 3)).save(out, "PNG")
    return out.getvalue()


def _post_settings(client, training, field, data):
    form = {
        "government": "Pemerintah Kota Magelang",
        "issuer": "BKPSDM",
        "unit_code": "BKPSDM",
        "number_pattern": "800/{seq:03d}/{unit}/{roman_month}/{year}",
        "numbering_scope": "year",
        "orientation": "landscape",
        "course_kind": "Bimbingan Teknis",
        "place": "Magelang",
        "signer_name": "Drs. Haryo Wibowo, M.M.",
        field: SimpleUploadedFile(f"{field}.png", data),
    }
    return client.post(reverse("certificates:settings", args=[training.pk]), form)


@pytest.mark.parametrize("field", ["logo", "background", "signature_image"])
def test_an_image_upload_on_a_full_disk_says_so_and_leaves_nothing(client, full_disk, field):
    CertificateSettingsFactory()
    client.force_login(organiser_user())
    training = TrainingFactory()
    image = _noisy_png()
    assert len(image) > FREE_BYTES

    response = _post_settings(client, training, field, image)

    assert response.status_code == 200
    assert FULL in response.content.decode()
    assert not CertificateSettings.objects.filter(training=training).exists()
    assert full_disk.files() == []

    full_disk.free_space()
    response = _post_settings(client, training, field, image)

    assert response.status_code == 302
    stored = getattr(CertificateSettings.objects.get(training=training), field)
    assert full_disk.files() == [stored.name]
    assert stored.size == len(image)


def test_certificates_issued_on_a_full_disk_keep_no_pdf_and_download_once_there_is_space(
    client, full_disk, django_capture_on_commit_callbacks
):
    CertificateSettingsFactory()
    training = finished_training(participants=1)
    client.force_login(organiser_user())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificates:issue", args=[training.pk]))

    certificate = Certificate.objects.get()
    assert not certificate.pdf and not certificate.sha256  # no record of a file that is not there
    assert full_disk.files() == []
    run = IssueRun.objects.get()
    assert FULL in run.error_log[0]["error"]
    assert FULL in client.get(reverse("certificates:run", args=[training.pk, run.pk])).text

    response = client.get(reverse("certificates:download", args=[certificate.pk]))

    assert response.status_code == 503
    assert FULL in response.content.decode()
    assert full_disk.files() == []

    full_disk.free_space()
    response = client.get(reverse("certificates:download", args=[certificate.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    certificate.refresh_from_db()
    assert full_disk.files() == [certificate.pdf.name]


def test_a_staff_list_uploaded_on_a_full_disk_says_so_and_leaves_nothing(client, full_disk):
    client.force_login(admin_user())
    rows = [["NIP", "Nama"], *[[f"19860926201505{n:04d}", f"Pegawai {n}"] for n in range(1, 800)]]
    data = csv_bytes(rows)
    assert len(data) > FREE_BYTES

    response = client.post(
        reverse("participants:import"),
        {"file": SimpleUploadedFile("pegawai.csv", data)},
    )

    assert response.status_code == 200
    assert FULL in response.content.decode()
    assert not StaffListImport.objects.exists()
    assert full_disk.files() == []
