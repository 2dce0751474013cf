"""The staff-list import page: upload, preview, import, result, as the Admin kepegawaian sees them."""

import datetime
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Employee, StaffListImport, Unit
from participants.nip import format_nip
from participants.services_import import (
    INVALID_ROWS_KEPT,
    OTHER_ROWS_KEPT,
    _Run,
    report_as_json,
)
from participants.importing import ImportReport, RowResult
from participants.tasks import apply_staff_import, validate_staff_import
from tests.factories import EmployeeFactory, UnitFactory, UserFactory, nip_for

pytestmark = pytest.mark.django_db

HEADER = ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja"]
UPLOAD_URL = "participants:import"


# Files and pages ------------------------------------------------------------------------------


def csv_upload(rows, name="pegawai.csv") -> SimpleUploadedFile:
    """A CSV as Indonesian Excel saves it: ; separated, UTF-8 with BOM."""
    text = "\r\n".join(";".join(row) for row in rows) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def xlsx_upload(rows, name="pegawai.xlsx") -> SimpleUploadedFile:
    """A workbook whose NIP cells are text, as the help text asks."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


class _TableReader(HTMLParser):
    """Collect the text of each body row of the tables inside an element with a CSS class."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.depth, self.rows = css_class, 0, []
        self.in_body = self.cell = self.row = None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag not in {"br", "input", "img", "meta", "link"}
        elif self.css_class in classes:
            self.depth = 1
        if not self.depth:
            return
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.row = []
        elif tag in {"td", "th"} and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in {"td", "th"} and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False
        self.depth -= 1

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response, css_class="import-rows") -> list[list[str]]:
    reader = _TableReader(css_class)
    reader.feed(response.content.decode())
    return reader.rows


def counts_shown(response) -> str:
    match = re.search(r'<ul class="import-counts">(.*?)</ul>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&quot;", '"').split())


@pytest.fixture
def unit():
    return UnitFactory(name="Kelurahan Cacaban", short_name="Cacaban")


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    """Post a file to the upload page; the check task runs at once (ImmediateBackend)."""

    def post(file, **options):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for.post(reverse(UPLOAD_URL), {"file": file, **options})
        return response

    return post


@pytest.fixture
def confirm(client_for, django_capture_on_commit_callbacks):
    def post(staff_import, rows="all"):
        url = reverse("participants:import_confirm", args=[staff_import.pk])
        with django_capture_on_commit_callbacks(execute=True):
            return client_for.post(url, {"rows": rows})

    return post


def status_url(staff_import):
    return reverse("participants:import_status", args=[staff_import.pk])


# Upload -> preview -> confirm -> result -------------------------------------------------------


def test_a_valid_xlsx_goes_from_upload_through_preview_to_the_result(
    unit, upload, confirm, client_for, admin
):
    existing = EmployeeFactory(nip=nip_for(2), name="Siti Lama", golongan="III/a", unit=unit)
    file = xlsx_upload(
        [
            HEADER,
            [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban"],
            [nip_for(2), "Siti Aminah", "III/a", "Cacaban"],
        ]
    )

    response = upload(file)

    staff_import = StaffListImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == status_url(staff_import)
    assert staff_import.status == StaffListImport.Status.VALIDATED
    assert (staff_import.done, staff_import.total) == (2, 2)
    assert Employee.objects.count() == 1  # the preview saved nothing

    preview = client_for.get(status_url(staff_import))
    assert preview.status_code == 200
    assert counts_shown(preview) == "1 baru 1 diperbarui 0 tidak berubah 0 tidak valid"
    assert table_rows(preview) == [
        [
            "2", "Baru", format_nip(nip_for(1)), "Budi Santoso",
            "Pangkat/GolIII/bUnit KerjaKelurahan CacabanStatus KepegawaianPNS", "",
        ],  # what will be created
        ["3", "Diperbarui", format_nip(nip_for(2)), "Siti Aminah", "Nama Siti Lama → menjadi Siti Aminah", ""],
    ]
    assert "Impor semua 2 baris" in text_of(preview)
    assert "Unduh baris yang ditolak (XLSX)" not in text_of(preview)

    response = confirm(staff_import)

    assert response.status_code == 302
    staff_import.refresh_from_db()
    assert staff_import.status == StaffListImport.Status.DONE
    assert staff_import.confirmed_by == admin
    assert not staff_import.file  # the upload is deleted once imported
    assert sorted(Employee.objects.values_list("nip", "name", "golongan")) == [
        (nip_for(1), "Budi Santoso", "III/b"),
        (nip_for(2), "Siti Aminah", "III/a"),
    ]
    existing.refresh_from_db()
    assert existing.name == "Siti Aminah"

    result = client_for.get(status_url(staff_import), follow=True)
    assert result.redirect_chain == [
        (reverse("participants:import_result", args=[staff_import.pk]), 302)
    ]
    assert "Impor selesai" in text_of(result)
    assert "1 orang ditambahkan, 1 diperbarui, dan 0 tidak berubah." in text_of(result)
    assert counts_shown(result) == "1 baru 1 diperbarui 0 tidak berubah 0 tidak valid"
    assert "Dikonfirmasi oleh Sri Wahyuni" in text_of(result)


def test_the_preview_lists_invalid_rows_first_with_row_numbers_and_indonesian_reasons(
    unit, upload, client_for
):
    file = csv_upload(
        [
            HEADER,
            [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban"],
            [nip_for(2), "", "III/a", "Kelurahan Cacaban"],
            [nip_for(3), "Ani", "III/a", "Kelurahan Entah"],
        ]
    )

    upload(file)

    staff_import = StaffListImport.objects.get()
    preview = client_for.get(status_url(staff_import))
    assert counts_shown(preview) == "1 baru 0 diperbarui 0 tidak berubah 2 tidak valid"
    assert table_rows(preview) == [
        ["3", "Tidak valid", format_nip(nip_for(2)), "", "", "Nama kosong."],
        [
            "4",
            "Tidak valid",
            format_nip(nip_for(3)),
            "Ani",
            "",
            "Unit “Kelurahan Entah” belum dikenal (lihat Unit yang belum dikenal di atas).",
        ],
        [
            "2", "Baru", format_nip(nip_for(1)), "Budi Santoso",
            "Pangkat/GolIII/bUnit KerjaKelurahan CacabanStatus KepegawaianPNS", "",
        ],  # what will be created
    ]


def test_a_file_with_invalid_rows_offers_the_valid_ones_and_an_import_of_all_is_refused(
    unit, upload, client_for, confirm
):
    file = csv_upload(
        [
            HEADER,
            [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban"],
            [nip_for(2), "", "III/a", "Kelurahan Cacaban"],
        ]
    )
    upload(file)
    staff_import = StaffListImport.objects.get()

    preview = client_for.get(status_url(staff_import))

    page = preview.content.decode()
    assert "1 baris ditolak (alasannya tercantum di bawah)." in text_of(preview)
    assert re.search(r'<button type="submit" class="import-button">Impor 1 baris yang valid</button>', page)
    assert "Impor semua" not in text_of(preview)

    response = confirm(staff_import, rows="all")  # a hand-made POST for every row is refused

    staff_import.refresh_from_db()
    assert staff_import.status == StaffListImport.Status.VALIDATED
    assert Employee.objects.count() == 0
    shown = client_for.get(response["Location"])
    assert (
        "Impor ini tidak dapat dijalankan karena 1 baris tidak valid. Impor hanya baris yang "
        "valid, atau perbaiki berkasnya lalu unggah lagi." in text_of(shown)
    )


def test_importing_only_the_valid_rows_needs_no_second_upload_and_offers_the_rejected_ones(
    unit, upload, client_for, confirm
):
    file = csv_upload(
        [
            HEADER,
            [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban"],
            [nip_for(2), "", "III/a", "Kelurahan Cacaban"],
        ]
    )
    upload(file)
    staff_import = StaffListImport.objects.get()
    preview = client_for.get(status_url(staff_import))
    assert "Unduh baris yang ditolak (XLSX)" in text_of(preview)

    confirm(staff_import, rows="valid")

    staff_import.refresh_from_db()
    assert staff_import.status == StaffListImport.Status.DONE
    assert staff_import.skip_invalid
    assert StaffListImport.objects.count() == 1
    assert list(Employee.objects.values_list("nip", flat=True)) == [nip_for(1)]
    result = client_for.get(
        reverse("participants:import_result", args=[staff_import.pk])
    )
    assert "1 baris yang tidak valid dilewati." in text_of(result)
    assert "Unduh baris yang ditolak (XLSX)" in text_of(result)
    assert table_rows(result)[0] == [
        "3", "Tidak valid", format_nip(nip_for(2)), "", "", "Nama kosong."
    ]  # fmt: skip


def test_the_preview_filters_its_rows_by_outcome(unit, upload, client_for):
    EmployeeFactory(nip=nip_for(2), name="Siti Lama", golongan="III/a", unit=unit)
    upload(
        csv_upload(
            [
                HEADER,
                [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban"],
                [nip_for(2), "Siti Aminah", "III/a", "Kelurahan Cacaban"],
                [nip_for(3), "", "III/a", "Kelurahan Cacaban"],
            ]
        )
    )
    staff_import = StaffListImport.objects.get()

    changed = client_for.get(status_url(staff_import), {"outcome": "updated"})

    assert [row[:4] for row in table_rows(changed)] == [
        ["3", "Diperbarui", format_nip(nip_for(2)), "Siti Aminah"]
    ]
    assert "Diperbarui (1)" in text_of(changed)
    assert "Tidak valid (1)" in text_of(changed)


def test_create_units_adds_the_missing_unit(upload, confirm):
    UnitFactory(name="Kelurahan Cacaban")
    file = csv_upload([HEADER, [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Baru Sekali"]])

    upload(file, create_units="on")
    staff_import = StaffListImport.objects.get()
    assert staff_import.report["notes"] == [
        "Unit kerja baru: Kelurahan Baru Sekali.",
        "Uji coba: tidak ada yang disimpan.",
    ]
    confirm(staff_import)

    assert Employee.objects.get().unit.name == "Kelurahan Baru Sekali"


def test_the_rejected_rows_download_holds_the_rows_as_typed_with_a_reason(
    unit, upload, client_for
):
    file = xlsx_upload(
        [
            [*HEADER, "Catatan"],
            [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban", ""],
            [nip_for(2), "Siti", "V/z", "Kelurahan Cacaban", "cek"],
            [nip_for(3), "", "III/a", "Kelurahan Cacaban", ""],
        ]
    )
    upload(file)
    staff_import = StaffListImport.objects.get()

    response = client_for.get(
        reverse("participants:import_rejected", args=[staff_import.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="baris-ditolak-pegawai.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows == [
        ["NIP", "Nama", "Pangkat/Gol", "Unit Kerja", "Catatan", "Alasan"],
        [
            nip_for(2),
            "Siti",
            "V/z",
            "Kelurahan Cacaban",
            "cek",
            "Pangkat/golongan “V/z” tidak dikenal; tulis seperti III/a (PNS) atau IX (PPPK).",
        ],
        [nip_for(3), None, "III/a", "Kelurahan Cacaban", None, "Nama kosong."],
    ]


def test_there_is_no_rejected_rows_file_when_every_row_is_valid(unit, upload, client_for):
    upload(csv_upload([HEADER, [nip_for(1), "Budi", "III/b", "Kelurahan Cacaban"]]))
    staff_import = StaffListImport.objects.get()

    response = client_for.get(
        reverse("participants:import_rejected", args=[staff_import.pk])
    )

    assert response.status_code == 404


# Idempotency ----------------------------------------------------------------------------------


def test_confirming_twice_or_a_redelivered_task_imports_once(
    unit, upload, confirm, django_capture_on_commit_callbacks
):
    upload(csv_upload([HEADER, [nip_for(1), "Budi Santoso", "III/b", "Kelurahan Cacaban"]]))
    staff_import = StaffListImport.objects.get()
    confirm(staff_import)
    employee = Employee.objects.get()
    # Someone corrects the name after the import; a second run would overwrite it.
    Employee.objects.filter(pk=employee.pk).update(name="Budi Santosa")
    finished_at = StaffListImport.objects.get().finished_at

    second = confirm(staff_import)
    with django_capture_on_commit_callbacks(execute=True):
        apply_staff_import.enqueue(staff_import.pk)
        validate_staff_import.enqueue(staff_import.pk)

    assert second.status_code == 302
    staff_import.refresh_from_db()
    assert staff_import.status == StaffListImport.Status.DONE
    assert staff_import.finished_at == finished_at
    assert list(Employee.objects.values_list("name", flat=True)) == ["Budi Santosa"]


def test_a_double_submitted_upload_makes_one_import(client_for, unit):
    content = csv_upload([HEADER, [nip_for(1), "Budi", "III/b", "Kelurahan Cacaban"]]).read()
    # No on_commit capture: the check stays queued, as when the worker has not picked it up.
    for _attempt in range(2):
        response = client_for.post(
            reverse(UPLOAD_URL), {"file": SimpleUploadedFile("pegawai.csv", content)}
        )
        assert response.status_code == 302

    staff_import = StaffListImport.objects.get()
    assert staff_import.status == StaffListImport.Status.UPLOADED
    assert response["Location"] == status_url(staff_import)


# Refusals -------------------------------------------------------------------------------------


def test_an_oversize_upload_is_refused_with_a_message_and_nothing_is_stored(
    client_for, settings, unit
):
    settings.BIMTEK_MAX_UPLOAD_BYTES = 1024 * 1024
    rows = [HEADER] + [
        [nip_for(n), f"Pegawai {n}", "III/a", "Kelurahan Cacaban"] for n in range(1, 20000)
    ]
    file = csv_upload(rows)
    assert file.size > settings.BIMTEK_MAX_UPLOAD_BYTES

    response = client_for.post(reverse(UPLOAD_URL), {"file": file})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Berkas lebih besar dari 1 MB. Bagilah menjadi beberapa berkas yang lebih kecil."
    ]
    assert "Berkas lebih besar dari 1 MB." in text_of(response)
    assert StaffListImport.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_a_file_of_another_type_is_refused_before_it_is_stored(client_for, settings):
    file = SimpleUploadedFile("pegawai.pdf", b"%PDF-1.4 not a staff list")

    response = client_for.post(reverse(UPLOAD_URL), {"file": file})

    assert response.context["form"].errors["file"] == [
        "Berkas pegawai.pdf bukan berkas .xlsx atau .csv."
    ]
    assert StaffListImport.objects.count() == 0


def test_a_file_without_the_required_columns_fails_with_the_readers_message(
    upload, client_for
):
    upload(csv_upload([["Nomor", "Alamat"], ["1", "Jl. Tidar"]]))

    staff_import = StaffListImport.objects.get()
    assert staff_import.status == StaffListImport.Status.FAILED
    assert not staff_import.file
    page = client_for.get(status_url(staff_import))
    assert (
        "Berkas tidak memiliki kolom NIP, Nama. Baris pertama harus berisi nama kolom, misalnya "
        "NIP dan Nama." in text_of(page)
    )
    assert "http-equiv=\"refresh\"" not in page.content.decode()


def test_a_file_with_only_column_names_fails(upload):
    upload(csv_upload([HEADER]))

    staff_import = StaffListImport.objects.get()
    assert (staff_import.status, staff_import.error) == (
        StaffListImport.Status.FAILED,
        "Berkas tidak memiliki baris data di bawah baris nama kolom.",
    )


def test_an_import_whose_rows_became_invalid_after_the_preview_writes_nothing(
    unit, upload, confirm
):
    upload(csv_upload([HEADER, [nip_for(1), "Budi", "III/b", "Kelurahan Cacaban"]]))
    staff_import = StaffListImport.objects.get()
    EmployeeFactory(unit=unit)  # keeps the unit in use
    Unit.objects.filter(pk=unit.pk).update(name="Kelurahan Cacaban Lama", short_name="")

    confirm(staff_import)

    staff_import.refresh_from_db()
    assert staff_import.status == StaffListImport.Status.FAILED
    assert staff_import.error == (
        "Direktori berubah setelah pratinjau dan kini 1 baris tidak valid, sehingga tidak ada "
        "yang disimpan. Perbaiki baris tersebut, atau impor hanya baris yang valid."
    )
    assert not Employee.objects.filter(nip=nip_for(1)).exists()


# Progress -------------------------------------------------------------------------------------


def test_the_status_page_shows_progress_and_refreshes_itself(client_for, admin):
    staff_import = StaffListImport.objects.create(
        original_filename="pegawai-besar.xlsx",
        status=StaffListImport.Status.VALIDATING,
        done=12000,
        total=20000,
        created_by=admin,
    )

    response = client_for.get(status_url(staff_import))

    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress class="job-progress" value="12000" max="20000">60%</progress>' in page
    assert "Memeriksa baris… 60% 12.000 / 20.000 baris" in text_of(response)


def test_a_queued_import_says_it_waits_for_the_worker(client_for, admin):
    staff_import = StaffListImport.objects.create(
        original_filename="pegawai.csv", created_by=admin
    )

    response = client_for.get(status_url(staff_import))

    assert "Menunggu pekerja latar belakang memulai…" in text_of(response)
    assert '<meta http-equiv="refresh" content="2">' in response.content.decode()


def test_progress_is_written_to_the_import_row_with_the_time_of_the_last_sign_of_life(admin):
    staff_import = StaffListImport.objects.create(
        original_filename="a.csv", status=StaffListImport.Status.VALIDATING, created_by=admin
    )

    _Run(staff_import.pk, 1, StaffListImport.Status.VALIDATING).progress(500, 1200)

    staff_import.refresh_from_db()
    assert (staff_import.done, staff_import.total) == (500, 1200)
    assert timezone.now() - staff_import.heartbeat_at < datetime.timedelta(seconds=5)


def test_a_large_file_is_checked_with_progress_and_a_bounded_report(unit, upload):
    rows = [HEADER] + [
        [nip_for(n % 999, birth=f"19{60 + n // 999:02d}0926"), f"Pegawai {n}", "III/a", unit.name]
        for n in range(1200)
    ]
    rows[5][1] = ""  # one invalid row

    upload(csv_upload(rows))

    staff_import = StaffListImport.objects.get()
    assert staff_import.status == StaffListImport.Status.VALIDATED
    assert (staff_import.done, staff_import.total) == (1200, 1200)
    assert staff_import.report["counts"] == {"new": 1199, "updated": 0, "unchanged": 0, "invalid": 1}
    assert len(staff_import.report["rows"]) == 1 + OTHER_ROWS_KEPT
    assert staff_import.report["rows"][0]["number"] == 6
    assert staff_import.report["rows_omitted"] == 1199 - OTHER_ROWS_KEPT


def test_the_stored_report_keeps_every_invalid_row_up_to_a_cap():
    report = ImportReport(
        rows=[
            RowResult(number=n, outcome="invalid" if n % 2 else "new", nip="", name="x",
                      errors=["Nama kosong."] if n % 2 else [])
            for n in range(2, 20002)
        ],
        created=10000,
        invalid=10000,
    )

    stored = report_as_json(report)

    assert len(stored["rows"]) == INVALID_ROWS_KEPT + OTHER_ROWS_KEPT
    assert {row["outcome"] for row in stored["rows"][:INVALID_ROWS_KEPT]} == {"invalid"}
    assert stored["rows_omitted"] == 20000 - INVALID_ROWS_KEPT - OTHER_ROWS_KEPT


def test_the_upload_page_lists_recent_imports_with_links(client_for, admin):
    staff_import = StaffListImport.objects.create(
        original_filename="pegawai-maret.xlsx",
        status=StaffListImport.Status.FAILED,
        created_by=admin,
    )

    response = client_for.get(reverse(UPLOAD_URL))

    assert response.status_code == 200
    assert table_rows(response, "staff-import-recent") == [
        [
            "pegawai-maret.xlsx",
            "Gagal",
            "Sri Wahyuni",
            timezone.localtime(staff_import.created_at).strftime("%d/%m/%Y %H.%M"),
        ]
    ]
    assert f'href="{status_url(staff_import)}"' in response.content.decode()
    text = text_of(response)
    assert "Lewati baris yang tidak valid" not in text  # chosen after the preview, not before
    assert "Buat unit kerja yang belum ada" in text
    assert f'href="{reverse("participants:import_template")}"' in response.content.decode()
    assert "NIP (wajib) Nama (wajib) Gelar Depan" in text


# Permissions ----------------------------------------------------------------------------------


@pytest.fixture
def finished_import(admin):
    return StaffListImport.objects.create(
        original_filename="pegawai.csv", status=StaffListImport.Status.FAILED, created_by=admin
    )


def import_urls(staff_import):
    return [
        ("get", reverse(UPLOAD_URL)),
        ("get", status_url(staff_import)),
        ("post", reverse("participants:import_confirm", args=[staff_import.pk])),
        ("post", reverse("participants:import_restart", args=[staff_import.pk])),
        ("get", reverse("participants:import_rejected", args=[staff_import.pk])),
        ("get", reverse("participants:import_result", args=[staff_import.pk])),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(finished_import):
    client = Client()
    for method, url in import_urls(finished_import):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_an_organiser_cannot_reach_the_import(finished_import):
    from tests.factories import organiser_user

    client = Client()
    client.force_login(organiser_user())
    for method, url in import_urls(finished_import):
        assert getattr(client, method)(url).status_code == 403


def test_staff_without_the_import_permission_are_refused(finished_import):
    client = Client()
    client.force_login(UserFactory(is_staff=True))  # the admin's flag gives no import
    for method, url in import_urls(finished_import):
        assert getattr(client, method)(url).status_code == 403
    assert StaffListImport.objects.count() == 1


def test_the_admin_role_reaches_the_upload_page(client_for):
    response = client_for.get(reverse(UPLOAD_URL))

    assert response.status_code == 200
    assert "<h1>Impor daftar pegawai</h1>" in response.content.decode()


def test_the_admins_old_import_address_leads_to_the_page():
    superuser_client = Client()
    superuser_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = superuser_client.get(reverse("admin:participants_employee_import"))

    assert response.status_code == 302
    assert response["Location"] == reverse("participants:import")


@pytest.mark.parametrize("step", ["confirm", "restart"])
def test_confirm_and_restart_accept_only_post(step, client_for, finished_import):
    url = reverse(f"participants:import_{step}", args=[finished_import.pk])

    assert client_for.get(url).status_code == 405


# The template file -----------------------------------------------------------------------------


def test_the_template_filled_in_as_an_office_would_imports_as_it_is(unit, upload, confirm, client_for):
    response = client_for.get(reverse("participants:import_template"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="templat-daftar-pegawai.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Pegawai", "Petunjuk", "Unit kerja"]
    sheet = workbook["Pegawai"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:3] == ["NIP", "Gelar Depan", "Nama"]
    assert sheet["A2"].number_format == "@"  # NIPs stay text: Excel keeps all 18 digits
    assert [row[0].value for row in workbook["Unit kerja"].iter_rows(min_row=2)] == [
        "Kelurahan Cacaban"
    ]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["J2"] == '"PNS,CPNS,PPPK,Non ASN"'
    guide = [row[0] for row in workbook["Petunjuk"].iter_rows(min_row=2, values_only=True)]
    assert "Pelayanan Langsung" in guide

    typed = dict.fromkeys(headers, None) | {
        "NIP": nip_for(7), "Nama": "Dewi Lestari", "Gelar Belakang": "S.Kep.",
        "Pangkat/Gol": "III/b", "Unit Kerja": "KEL. CACABAN", "Status Kepegawaian": "PNS",
        "Pelayanan Langsung": "Ya", "No HP": "081234567890",
    }  # fmt: skip
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=column, value=typed[header])
    filled = io.BytesIO()
    workbook.save(filled)
    upload(SimpleUploadedFile("templat-terisi.xlsx", filled.getvalue()))
    staff_import = StaffListImport.objects.get()
    assert staff_import.report.get("counts", {}).get("new") == 1, (staff_import.error, staff_import.report)
    confirm(staff_import)

    employee = Employee.objects.get()
    assert (employee.name, employee.unit, employee.is_frontline, employee.golongan) == (
        "Dewi Lestari", unit, True, "III/b"
    )


def test_a_remembered_mapping_is_listed_and_can_be_forgotten(client_for, admin):
    from participants.models import ColumnMapping

    mapping = ColumnMapping.objects.create(
        signature="a" * 64,
        headers=["NIP BARU", "NAMA", "JABATAN SEKARANG"],
        mapping={"jabatan sekarang": "jabatan"},
        updated_by=admin,
    )

    page = client_for.get(reverse(UPLOAD_URL))
    assert "NIP BARU, NAMA, JABATAN SEKARANG" in text_of(page)

    forget = reverse("participants:import_forget_mapping", args=[mapping.pk])
    response = client_for.post(forget)
    again = client_for.post(forget)  # a second click finds nothing to forget, and says so calmly

    assert response.status_code == again.status_code == 302
    assert not ColumnMapping.objects.exists()
    assert "Pemetaan kolom itu dilupakan." in text_of(client_for.get(response["Location"]))
