"""
The results as an XLSX workbook: participants, class summary, units (OPD) and questions.

Headers are Indonesian whatever the UI language, as in the staff exports, so files from
different people line up. Numbers stay numbers (rounded as the pages show them); every text
cell is written as inert text, so nothing in a name or a question runs as a formula.
"""

import io
from decimal import Decimal

from core.spreadsheets import cell_text

from assessments.analysis import ItemFlag
from assessments.selectors import TrainingResults

FLAG_TEXT = {
    ItemFlag.KNOWN: "sudah diketahui semua",
    ItemFlag.NOT_LEARNED: "tidak ada peningkatan",
    ItemFlag.NEGATIVE: "daya beda negatif (periksa kunci)",
}


def _round(value, places=2):
    if value is None:
        return None
    return round(float(value), places)


def _sat_state(sat) -> str:
    if sat is None:
        return "belum"
    return "selesai" if sat.finished else "sedang mengerjakan"


def _participant_rows(results: TrainingResults):
    for number, row in enumerate(results.participants, start=1):
        employee = row.enrolment.employee
        person = row.person
        yield [
            number, employee.full_name, employee.nip_display or employee.nik_masked,
            row.unit_name, _sat_state(row.pre), _round(person.pre), _sat_state(row.post),
            _round(person.post), _round(person.gain), _round(person.n_gain),
            person.category or "",
        ]  # fmt: skip


def _summary_rows(results: TrainingResults):
    summary = results.summary
    for label, stats in (("Pre-test", summary.pre), ("Post-test", summary.post)):
        if stats is None:
            yield [label, 0, None, None, None, None, None]
        else:
            yield [label, stats.count, _round(stats.mean), _round(stats.median),
                   _round(stats.sd), _round(stats.minimum), _round(stats.maximum)]  # fmt: skip
    yield []
    yield ["Peserta dengan pre dan post", summary.paired]
    yield ["Rata-rata N-gain", _round(summary.mean_n_gain)]
    yield ["N-gain kelas (dari rata-rata)", _round(summary.class_n_gain)]
    yield ["Peserta yang nilainya naik", summary.improved]
    yield ["Persentase yang naik", _round((summary.improved_share or 0) * 100, 1)]
    for category, count in summary.categories.items():
        yield [f"N-gain {category}", count]


def _unit_rows(results: TrainingResults):
    for group in results.summary.groups:
        yield [group.name, group.count, group.pre_count, _round(group.pre_mean), group.post_count,
               _round(group.post_mean), _round(group.mean_n_gain)]  # fmt: skip


def _item_rows(results: TrainingResults):
    for item in results.items:
        question, result = item.question, item.result
        key = next((o.letter for o in question.options.all() if o.is_correct), "")
        yield [
            item.number, question.text, key, question.topic.topic if question.topic else "",
            _round(result.pre_facility), _round(result.post_facility), _round(result.change),
            _round(result.pre_discrimination), _round(result.post_discrimination),
            "; ".join(FLAG_TEXT[flag] for flag in result.flags),
        ]  # fmt: skip


SHEETS = [
    ("Peserta", ["No", "Nama", "NIP/NIK", "Unit Kerja", "Pre-test", "Nilai Pre", "Post-test",
                 "Nilai Post", "Gain", "N-gain", "Kategori N-gain"], _participant_rows),
    ("Ringkasan", ["Tes", "Jumlah", "Rata-rata", "Median", "Simpangan Baku", "Minimum",
                   "Maksimum"], _summary_rows),
    ("Per OPD", ["Unit Kerja", "Peserta", "Ikut Pre", "Rata-rata Pre", "Ikut Post",
                 "Rata-rata Post", "Rata-rata N-gain"], _unit_rows),
    ("Butir Soal", ["No", "Pertanyaan", "Kunci", "Topik", "Indeks Kesukaran Pre",
                    "Indeks Kesukaran Post", "Perubahan", "Daya Beda Pre", "Daya Beda Post",
                    "Catatan"], _item_rows),
]  # fmt: skip


def export_results(results: TrainingResults) -> bytes:
    """Write the results of a training's tests as a workbook of four sheets."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    for title, headers, rows in SHEETS:
        sheet = workbook.create_sheet(title)
        for index, header in enumerate(headers):
            sheet.column_dimensions[get_column_letter(index + 1)].width = max(10, len(header) + 3)
        sheet.freeze_panes = "A2"
        sheet.append([_cell(WriteOnlyCell(sheet), header) for header in headers])
        for row in rows(results):
            sheet.append([_cell(WriteOnlyCell(sheet), value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _cell(cell, value):
    if value is None or value == "":
        return cell
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.value = value
        return cell
    cell.value = cell_text(value)
    cell.data_type = "s"  # never "f": a value starting with = stays text
    return cell
