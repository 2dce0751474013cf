"""The words, codes and colours the reports use for attendance statuses.

Documents print the short official words (Hadir, Terlambat, Izin, Sakit, Dinas Luar, Alpa)
rather than the longer labels of the forms, hence their own message context.
"""

from django.utils.translation import pgettext_lazy

from trainings.models import Attendance

Status = Attendance.Status

# The order of the statuses in every table, chart and total.
STATUS_ORDER = [
    Status.HADIR,
    Status.TERLAMBAT,
    Status.IZIN,
    Status.SAKIT,
    Status.DINAS_LUAR,
    Status.ALPA,
]
NOT_RECORDED = "not_recorded"

STATUS_WORDS = {
    Status.HADIR: pgettext_lazy("attendance status on documents", "Present"),
    Status.TERLAMBAT: pgettext_lazy("attendance status on documents", "Late"),
    Status.IZIN: pgettext_lazy("attendance status on documents", "Excused"),
    Status.SAKIT: pgettext_lazy("attendance status on documents", "Sick"),
    Status.DINAS_LUAR: pgettext_lazy("attendance status on documents", "Official duty"),
    Status.ALPA: pgettext_lazy("attendance status on documents", "Absent"),
    NOT_RECORDED: pgettext_lazy("attendance status on documents", "Not recorded"),
}

# How a presence was recorded, after the status in a daftar hadir's signature cell:
# "Hadir (QR) 07.31" for a self check-in, "Hadir (lencana) 07.31" for a scanned badge.
METHOD_WORDS = {
    Attendance.Method.SELF: pgettext_lazy("attendance method on documents", "QR"),
    Attendance.Method.SCAN: pgettext_lazy("attendance method on documents", "badge"),
    Attendance.Method.MANUAL: pgettext_lazy("attendance method on documents", "organiser"),
}

# One or two letters for the cells of the participant × session grid.
STATUS_CODES = {
    Status.HADIR: pgettext_lazy("attendance status code", "P"),
    Status.TERLAMBAT: pgettext_lazy("attendance status code", "L"),
    Status.IZIN: pgettext_lazy("attendance status code", "E"),
    Status.SAKIT: pgettext_lazy("attendance status code", "S"),
    Status.DINAS_LUAR: pgettext_lazy("attendance status code", "OD"),
    Status.ALPA: pgettext_lazy("attendance status code", "A"),
    NOT_RECORDED: "–",
}

# Chart fills, with the text colour that reads on each (contrast 4.5:1 or better).
STATUS_COLOURS = {
    Status.HADIR: ("#1b5e20", "#ffffff"),
    Status.TERLAMBAT: ("#7cb342", "#000000"),
    Status.IZIN: ("#ffca28", "#000000"),
    Status.SAKIT: ("#ef6c00", "#000000"),
    Status.DINAS_LUAR: ("#1565c0", "#ffffff"),
    Status.ALPA: ("#b71c1c", "#ffffff"),
    NOT_RECORDED: ("#cfd8dc", "#000000"),
}
