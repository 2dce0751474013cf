"""Demo office profile: Kota Magelang's BKPSDM in WIB, with a fictional head of agency."""

from office.models import OFFICE_PK, Office
from office.services import save_office

DEMO_OFFICE = {
    "government": "PEMERINTAH KOTA MAGELANG",
    "agency": "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
    "agency_code": "BKPSDM",
    "address": "Jl. Sarwo Edie Wibowo No. 2, Magelang 56117",
    "phone": "(0293) 000000",
    "email": "bkpsdm@example.go.id",
    "website": "bkpsdm.example.go.id",
    "place": "Magelang",
    # A fictional head: the demo must not print a real official's name or NIP.
    "head_name": "Drs. Bambang Setiawan, M.Si.",
    "head_position": "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    "head_pangkat": "Pembina Utama Muda",
    "head_nip": "197003151995031002",
    "time_zone": "Asia/Jakarta",
}


def seed_office() -> Office:
    """Fill the office profile with the demo's, keeping whatever an office already filled in."""
    office = Office.objects.filter(pk=OFFICE_PK).first()
    values = {
        name: value
        for name, value in DEMO_OFFICE.items()
        if office is None or not getattr(office, name)
    }
    return save_office(values=values)
