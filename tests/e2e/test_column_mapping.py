"""An Admin kepegawaian maps a column the import does not know, on a 1366x768 laptop, and the
next file with the same columns is read with that mapping without being asked again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from participants.models import Employee
from tests.factories import UnitFactory, admin_user, nip_for

from .browser import t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "rahasia-123"
LAPTOP_1366 = {"viewport": {"width": 1366, "height": 768}}
HEADER = "NIP;Nama;Unit Kerja;JABATAN SEKARANG;Keterangan"


def staff_file(tmp_path, name, jabatan):
    path = tmp_path / name
    rows = [HEADER, f"{nip_for(1)};Budi Santoso;KEL. CACABAN;{jabatan};pindahan"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    return path


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        **LAPTOP_1366, base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def upload(page, path):
    page.goto(reverse("participants:import"))
    page.get_by_label(t("Staff list file")).set_input_files(str(path))
    page.get_by_role("button", name=t("Upload and check")).click()
    expect(page.get_by_role("heading", name=t("2. Check the preview"))).to_be_visible()


def assert_fits_the_screen(page, screenshots, name):
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"{name}: the page is {width} px wide on a 1366 px screen"


def test_map_a_column_remember_it_and_reuse_it_with_the_next_file(page, tmp_path, screenshots):
    UnitFactory(name="Kelurahan Cacaban")
    admin_user(username="admin.bkpsdm", password=PASSWORD)
    page.goto("/akun/login/")
    page.get_by_label(t("NIP or email")).fill("admin.bkpsdm")
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()
    expect(page.get_by_role("button", name=t("Log in"))).to_have_count(0)

    # The first file: its JABATAN SEKARANG column is not recognised.
    upload(page, staff_file(tmp_path, "januari.csv", "Analis Pelayanan"))
    columns = page.locator("#file-columns")
    expect(columns).to_have_attribute("open", "")
    column = columns.get_by_label("JABATAN SEKARANG")
    expect(column).to_have_value("")
    expect(columns.get_by_label("Unit Kerja")).to_have_value("unit")
    assert_fits_the_screen(page, screenshots, "1-columns")

    column.select_option(label="Jabatan")
    columns.get_by_role("button", name=t("Map the columns and check again")).click()

    expect(page.get_by_text(t("The columns were mapped; the file is checked again."))).to_be_visible()
    expect(page.locator("#file-columns").get_by_label("JABATAN SEKARANG")).to_have_value("jabatan")
    assert_fits_the_screen(page, screenshots, "2-mapped")

    # The next month's file, same columns: the remembered mapping is used without asking.
    upload(page, staff_file(tmp_path, "februari.csv", "Pengolah Data"))
    expect(
        page.get_by_text(
            t("The column mapping remembered for files with these columns was used.")
        )
    ).to_be_visible()
    expect(page.locator("#file-columns").get_by_label("JABATAN SEKARANG")).to_have_value("jabatan")
    assert_fits_the_screen(page, screenshots, "3-remembered")

    page.locator(".import-confirm").get_by_role("button").click()
    expect(page.get_by_text(t("The import is finished"))).to_be_visible()
    assert list(Employee.objects.values_list("name", "jabatan", "unit__name")) == [
        ("Budi Santoso", "Pengolah Data", "Kelurahan Cacaban")
    ]
