"""Export the staff directory to XLSX or CSV in the form that import_staff reads back unchanged."""

from participants.nip import format_nip
from participants.resources import EmployeeResource
from core.spreadsheets import write_csv, write_xlsx
from participants.staff_files import HEADERS

FORMATS = ("xlsx", "csv")


def export_staff(queryset, *, file_format: str) -> bytes:
    """Return the civil servants of queryset as an XLSX or CSV file, in one query.

    Non-ASN staff (NIK, no NIP) are left out: the file is keyed by NIP and keeps NIKs private.
    XLSX cells are all text (NIPs exact, no formulas). CSV is UTF-8 with BOM and ; separated
    for Indonesian Excel; its NIPs are grouped ("19860926 201505 1 001") so that Excel keeps
    them as text, and a value that looks like a formula is prefixed with an apostrophe.
    """
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}, not {file_format!r}")
    resource = EmployeeResource()
    queryset = queryset.filter(nip__isnull=False).select_related("unit")
    dataset = resource.export(queryset)
    headers = list(dataset.headers)
    nip_column = headers.index(HEADERS["nip"])
    phone_column = headers.index(HEADERS["phone"])
    if file_format == "xlsx":
        return write_xlsx(headers, dataset, text_columns=[nip_column, phone_column])
    rows = (
        [format_nip(value) if index == nip_column else value for index, value in enumerate(row)]
        for row in dataset
    )
    return write_csv(headers, rows)
