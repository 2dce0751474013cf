"""Export the staff directory to XLSX or CSV in the form that import_staff reads back unchanged."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import inert_cell, write_csv, write_xlsx
from participants.nip import format_nip
from participants.resources import EmployeeResource
from participants.staff_files import FIELD_LABELS, HEADERS, REQUIRED_KEYS

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


# The columns of the import template, in the order an office fills them. Status CPNS/PNS is
# SIASN's own column and is left out: Status Kepegawaian says the same.
TEMPLATE_KEYS = [
    "nip", "gelar_depan", "name", "gelar_belakang", "golongan", "jabatan", "unit", "email",
    "phone", "status", "is_frontline", "nik", "gender",
]  # fmt: skip
TEMPLATE_ROWS = 1000  # rows prepared as text and with value lists; more can be typed below


def staff_import_template() -> bytes:
    """Return an empty staff list the import reads as it is, with value lists and guidance.

    The first sheet has the import's own headers; the NIP, NIK and phone columns are Text (so
    Excel keeps every digit of an 18-digit NIP), and status, rank, frontline, gender and unit
    offer their accepted values as a drop-down list (a warning, not a refusal, for a unit the
    directory does not have yet). A second sheet explains each column; a third lists the units.
    """
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from participants.golongan import PNS_GRADES, PPPK_GRADES
    from participants.models import Unit

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Staff")
    guide = workbook.create_sheet(_("Guide"))
    unit_sheet = workbook.create_sheet(_("Units"))

    headers = [FIELD_LABELS[key] for key in TEMPLATE_KEYS]
    sheet.append(headers)
    sheet.freeze_panes = "A2"
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    columns = {key: get_column_letter(index + 1) for index, key in enumerate(TEMPLATE_KEYS)}
    for key, letter in columns.items():
        cell = sheet[f"{letter}1"]
        cell.font = bold
        if key in REQUIRED_KEYS:
            cell.fill = required_fill
        sheet.column_dimensions[letter].width = max(14, len(FIELD_LABELS[key]) + 4)
    sheet.column_dimensions[columns["nip"]].width = 22
    sheet.column_dimensions[columns["name"]].width = 30
    sheet.column_dimensions[columns["unit"]].width = 36
    for key in ("nip", "nik", "phone"):
        for row in range(2, TEMPLATE_ROWS + 2):
            sheet[f"{columns[key]}{row}"].number_format = "@"

    unit_names = list(Unit.objects.order_by("name").values_list("name", flat=True))
    unit_sheet.append([FIELD_LABELS["unit"]])
    unit_sheet["A1"].font = bold
    unit_sheet.column_dimensions["A"].width = 50
    for name in unit_names:
        unit_sheet.append([inert_cell(unit_sheet, name)])  # a name is never a formula

    grades = [grade for grade, _pangkat in PNS_GRADES] + PPPK_GRADES
    lists = {
        "status": '"PNS,CPNS,PPPK,Non ASN"',
        "is_frontline": '"Ya,Tidak"',
        "gender": '"L,P"',
        "golongan": '"' + ",".join(grades) + '"',
    }
    if unit_names:
        title = unit_sheet.title.replace("'", "''")
        lists["unit"] = f"'{title}'!$A$2:$A${len(unit_names) + 1}"
    for key, formula in lists.items():
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.errorStyle = "warning"  # another spelling the import knows stays possible
        validation.error = _("This value is not in the list. The import may still read it.")
        validation.errorTitle = FIELD_LABELS[key]
        sheet.add_data_validation(validation)
        validation.add(f"{columns[key]}2:{columns[key]}{TEMPLATE_ROWS + 1}")

    guide.append([_("Column"), _("Required"), _("What to write"), _("Example")])
    for cell in guide[1]:
        cell.font = bold
    for key in TEMPLATE_KEYS:
        guide.append(
            [
                FIELD_LABELS[key],
                _("yes") if key in REQUIRED_KEYS else _("no"),
                str(TEMPLATE_GUIDANCE[key]),
                TEMPLATE_EXAMPLES[key],
            ]
        )
    guide.append([])
    for line in TEMPLATE_NOTES:
        guide.append([str(line)])
    for letter, width in zip("ABCD", (22, 10, 80, 30), strict=True):
        guide.column_dimensions[letter].width = width

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


TEMPLATE_GUIDANCE = {
    "nip": gettext_lazy("The 18-digit NIP (PNS, CPNS) or NI PPPK, without spaces. Empty for non-ASN staff."),
    "gelar_depan": gettext_lazy("Titles before the name, such as dr. or Ir."),
    "name": gettext_lazy("The name without titles, as in the personnel file."),
    "gelar_belakang": gettext_lazy("Titles after the name, such as S.Kom. or M.M."),
    "golongan": gettext_lazy("The golongan: III/b for a PNS, IX for a PPPK; the pangkat name is also read."),
    "jabatan": gettext_lazy("The position, as in the decree."),
    "unit": gettext_lazy("The unit kerja as the directory names it (see the Units sheet); an abbreviation such as KEC. or RSUD is matched."),
    "email": gettext_lazy("The person's own email, for invitations and certificates."),
    "phone": gettext_lazy("A mobile number, 08… or +62…; used for WhatsApp links."),
    "status": gettext_lazy("PNS, CPNS, PPPK or Non ASN."),
    "is_frontline": gettext_lazy("Ya if the person serves the public face to face, otherwise Tidak."),
    "nik": gettext_lazy("Only for non-ASN staff (no NIP): the 16-digit NIK, kept masked."),
    "gender": gettext_lazy("Only for non-ASN staff: L or P (a NIP already tells it)."),
}  # fmt: skip
TEMPLATE_EXAMPLES = {
    "nip": "198609262015051001", "gelar_depan": "", "name": "Siti Rahayu",
    "gelar_belakang": "S.Kep.", "golongan": "III/b", "jabatan": "Perawat Ahli Pertama",
    "unit": "RSUD", "email": "siti.rahayu@example.go.id", "phone": "081234567890",
    "status": "PNS", "is_frontline": "Ya", "nik": "", "gender": "",
}  # fmt: skip
TEMPLATE_NOTES = [
    gettext_lazy("One person per row, below the header row. Keep the header row as it is."),
    gettext_lazy("A NIP already in the directory updates that person; an empty cell keeps the stored value."),
    gettext_lazy("Nothing is saved until you have seen the preview and pressed Import."),
]
