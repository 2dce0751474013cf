"""The results of an evaluation as an XLSX workbook: summary, aspects, speakers, open answers, data."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.templatetags.tanggal import format_date_range
from core.spreadsheets import inert_cell

from evaluations.selectors import EvaluationResults, ResponseRow

MEAN_FORMAT = "0.00"


def _append(sheet, values) -> None:
    # Answers and names are typed by people: each is inert text, never a formula, and holds
    # no control character.
    sheet.append([inert_cell(sheet, value) for value in values])


def _sheet(workbook, title, header):
    sheet = workbook.create_sheet(title)
    _append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def _mean(value):
    return float(value) if value is not None else None


def _widths(sheet, widths):
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _format_means(sheet, column: int):
    for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
        row[0].number_format = MEAN_FORMAT


def export_results(results: EvaluationResults, rows: list[ResponseRow]) -> bytes:
    """Return the workbook of a form's results and every response, as bytes."""
    form = results.form
    training = form.training
    scale_header = [f"{value} ({label})" for value, label in results.scale]
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")
    for label, value in [
        (_("Training"), training.title),
        (_("Code"), training.code),
        (_("Dates"), format_date_range(training.start_date, training.end_date)),
        (_("Respondents"), results.response_rate_text),
        (_("Anonymous"), _("Yes") if form.is_anonymous else _("No")),
        (_("Scale"), _("1 to %(max)d") % {"max": form.scale_max}),
        (_("Mean of the organisation"), _mean(results.organisation_mean)),
    ]:
        _append(summary, [label, value])
    summary["B7"].number_format = MEAN_FORMAT
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    _widths(summary, [28, 60])

    sheet = _sheet(
        workbook, _("Organisation"), [_("Aspect"), _("Mean"), _("Answers"), *scale_header]
    )
    for aspect in results.organisation:
        _append(sheet, [aspect.text, _mean(aspect.mean), aspect.n, *aspect.counts])
    _format_means(sheet, 2)
    _widths(sheet, [45, 10, 10, *[14] * len(scale_header)])

    sheet = _sheet(
        workbook,
        _("Speakers"),
        [_("Speaker"), _("Aspect"), _("Mean"), _("Answers"), *scale_header],
    )
    for speaker in results.speakers:
        _append(
            sheet, [speaker.name, _("All aspects"), _mean(speaker.mean), speaker.n, *speaker.counts]
        )
        for aspect in speaker.aspects:
            _append(
                sheet, [speaker.name, aspect.text, _mean(aspect.mean), aspect.n, *aspect.counts]
            )
    _format_means(sheet, 3)
    _widths(sheet, [38, 38, 10, 10, *[14] * len(scale_header)])

    named = not form.is_anonymous
    header = [_("Question"), _("Answer")] + ([_("Respondent")] if named else [])
    sheet = _sheet(workbook, _("Open answers"), header)
    for question in results.open_questions:
        for answer in question.answers:
            _append(sheet, [question.text, answer.text] + ([answer.respondent] if named else []))
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, [40, 80, 40])

    _data_sheet(workbook, results, rows)

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _data_sheet(workbook, results: EvaluationResults, rows: list[ResponseRow]) -> None:
    """Write one row per response, one column per question (per speaker)."""
    form = results.form
    columns: list[tuple[str, tuple]] = []
    for aspect in results.organisation:
        columns.append((aspect.text, ("rating", aspect.question_id, None)))
    for speaker in results.speakers:
        for aspect in speaker.aspects:
            columns.append(
                (
                    f"{speaker.name}: {aspect.text}",
                    ("rating", aspect.question_id, speaker.speaker_id),
                )
            )
    for question in results.open_questions:
        columns.append((question.text, ("text", question.question_id, None)))
    named = not form.is_anonymous
    header = ([_("Respondent")] if named else [_("No.")]) + [title for title, _key in columns]
    sheet = _sheet(workbook, _("Data"), header)
    for number, row in enumerate(rows, start=1):
        values = []
        for _title, (kind, question_id, speaker_id) in columns:
            if kind == "rating":
                values.append(row.ratings.get((question_id, speaker_id)))
            else:
                values.append(row.texts.get(question_id, ""))
        _append(sheet, [row.respondent if named else number, *values])
    _widths(sheet, [40 if named else 6])
