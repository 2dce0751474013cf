"""
Read and write question files: a table (XLSX or CSV) and Moodle's Aiken text format.

The table has the columns Pertanyaan, A, B, C, D, E (and F, rarely), Kunci, Topik and
Penjelasan; the last two may be left out. Aiken is what Moodle users already have:

    Apa kepanjangan SKM?
    A. Survei Kepuasan Masyarakat
    B) Standar Kinerja Minimal
    ANSWER: A

one question per block, options lettered from A with "." or ")" (the space after it may be
missing, as Moodle allows), then the ANSWER line. We also accept a question's text over several
consecutive lines; every line that belongs to no complete question is reported by its number.
Neither reader touches the database: they return the questions as written, with the spreadsheet
row or text line each came from, and the problems found, for the import service to check
against the training and save.

The upload checks and text decoding are the staff-list reader's (core.spreadsheets):
size limit, real file type, zip bombs, CSV encodings as offices write them.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.spreadsheets import (
    HEADER_SEARCH_ROWS,
    SpreadsheetError,
    decode_text,
    _unescape,
    cell_text,
    header_key,
    limited_rows,
    read_upload,
    write_csv,
    write_xlsx,
    xlsx_grid,
)

from assessments.models import MAX_OPTIONS, MIN_OPTIONS, OPTION_LETTERS

MAX_QUESTIONS = 500
QuestionFileError = SpreadsheetError  # same shape: a message for the user and a code

# Canonical key -> the header exports write.
HEADERS = {
    "text": "Pertanyaan",
    **{letter.lower(): letter for letter in OPTION_LETTERS},
    "key": "Kunci",
    "topic": "Topik",
    "explanation": "Penjelasan",
}
_ALIASES = {
    "text": ["pertanyaan", "soal", "butir soal", "question", "teks soal"],
    "key": ["kunci", "kunci jawaban", "jawaban benar", "jawaban", "answer", "key"],
    "topic": ["topik", "materi", "sesi", "topic"],
    "explanation": ["penjelasan", "pembahasan", "explanation"],
    **{
        letter.lower(): [letter.lower(), f"pilihan {letter.lower()}", f"opsi {letter.lower()}",
                         f"option {letter.lower()}", f"jawaban {letter.lower()}"]
        for letter in OPTION_LETTERS
    },
}  # fmt: skip
HEADER_ALIASES = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
REQUIRED_KEYS = ("text", "a", "b", "key")

_KEY_PATTERN = re.compile(r"^\(?\s*([A-Fa-f])\s*[.)]?$")
# Moodle's option pattern is ^[A-Z][).][ \t]? : the space after the letter may be missing.
_AIKEN_OPTION = re.compile(r"^([A-Z])[ \t]*[.)][ \t]*(.*)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER[ \t]*:(.*)$", re.IGNORECASE)


@dataclass
class ParsedQuestion:
    number: int  # spreadsheet row or first text line
    text: str
    options: list[str]
    correct: int | None  # index into options
    topic: str = ""
    explanation: str = ""


@dataclass
class LineError:
    number: int
    message: str


@dataclass
class ParsedFile:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    kind: str = "table"  # "table" (row numbers) or "aiken" (line numbers)


def is_aiken(filename: str) -> bool:
    """Return whether an upload is to be read as Aiken text (Moodle saves it as .txt)."""
    return filename.lower().endswith(".txt")


def read_question_file(file_obj, *, filename: str) -> ParsedFile:
    """Read an uploaded XLSX, CSV or Aiken (.txt) question file; raise QuestionFileError if
    it cannot be read at all."""
    data = read_upload(file_obj)
    if is_aiken(filename):
        return parse_aiken(decode_text(data))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        grid = xlsx_grid(data)
    elif extension == "csv":
        grid = _csv_grid(decode_text(data))
    else:
        raise QuestionFileError(
            _("The file %(name)s is not an .xlsx, .csv or Aiken .txt file.") % {"name": filename},
            code="file_type",
        )
    return parse_table(grid)


# Tables -----------------------------------------------------------------------------------------


def _csv_grid(text: str) -> list[list[str]]:
    head = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    best, best_score = ";", (-1, -1)
    for delimiter in (";", ",", "\t"):
        rows = list(csv.reader(head, delimiter=delimiter))
        recognised = max(
            (sum(header_key(cell) in HEADER_ALIASES for cell in row) for row in rows), default=0
        )
        score = (recognised, -len(rows))
        if score > best_score:
            best, best_score = delimiter, score
    try:
        rows = list(limited_rows(csv.reader(io.StringIO(text, newline=""), delimiter=best)))
    except csv.Error:
        raise QuestionFileError(
            _("The file is not a readable CSV text file. Save it from Excel as CSV or as .xlsx."),
            code="not_csv",
        ) from None
    return [[_unescape(cell) for cell in row] for row in rows]


def parse_table(grid) -> ParsedFile:
    """Turn the rows of a sheet into questions, finding the header row in the first ten."""
    rows = iter(grid)
    header, header_number = None, 0
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        keys = {HEADER_ALIASES.get(header_key(cell)) for cell in cells}
        if all(key in keys for key in REQUIRED_KEYS):
            header, header_number = cells, number
            break
    if header is None:
        raise QuestionFileError(
            _(
                "The file has no header row with the columns Pertanyaan, A, B and Kunci. The first "
                "row must hold the column names: Pertanyaan, A, B, C, D, E, Kunci, Topik."
            ),
            code="missing_columns",
        )
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADER_ALIASES.get(header_key(cell))
        if key and key not in positions:
            positions[key] = index

    parsed = ParsedFile(kind="table")
    for number, cells in enumerate(rows, start=header_number + 1):
        values = {
            key: cell_text(cells[i]).strip() if i < len(cells) else ""
            for key, i in positions.items()
        }
        if not any(values.values()):
            continue
        if len(parsed.questions) + len(parsed.errors) >= MAX_QUESTIONS:
            raise _too_many()
        letters = [letter.lower() for letter in OPTION_LETTERS]
        options = [values.get(letter, "") for letter in letters]
        question, problems = _check_row(
            number=number,
            text=values.get("text", ""),
            options=options,
            key=values.get("key", ""),
            topic=values.get("topic", ""),
            explanation=values.get("explanation", ""),
        )
        parsed.errors.extend(LineError(number, problem) for problem in problems)
        if question:
            parsed.questions.append(question)
    return parsed


def _too_many() -> QuestionFileError:
    return QuestionFileError(
        _("The file holds more than %(max)d questions; split it into smaller files.")
        % {"max": MAX_QUESTIONS},
        code="too_many",
    )


def _check_row(*, number, text, options, key, topic, explanation):
    """Check one question as written; return it (or None) and the problems found."""
    problems = []
    while options and not options[-1]:
        options = options[:-1]
    if not text:
        problems.append(_("The question is empty."))
    if any(not option for option in options):
        gap = OPTION_LETTERS[options.index("")]
        problems.append(
            _("Option %(letter)s is empty but a later option is filled in.") % {"letter": gap}
        )
    elif len(options) < MIN_OPTIONS:
        problems.append(
            _("A question needs at least %(min)d options (A and B).") % {"min": MIN_OPTIONS}
        )
    lowered = [option.casefold() for option in options]
    if len(set(lowered)) < len(lowered):
        problems.append(_("Two options have the same text."))
    correct = None
    match = _KEY_PATTERN.match(key)
    if not key:
        problems.append(_("The key (Kunci) is empty."))
    elif not match:
        problems.append(
            _("The key (Kunci) must be one letter, A to %(last)s; it is %(value)s.")
            % {"last": OPTION_LETTERS[-1], "value": key}
        )
    else:
        correct = OPTION_LETTERS.index(match.group(1).upper())
        if correct >= len(options) or not options[correct]:
            problems.append(
                _("The key is %(letter)s, but option %(letter)s is empty.")
                % {"letter": OPTION_LETTERS[correct]}
            )
    if problems:
        return None, problems
    return ParsedQuestion(number, text, options, correct, topic, explanation), []


# Aiken ------------------------------------------------------------------------------------------


@dataclass
class _AikenQuestion:
    """The question being read: its text lines, then its options, until its ANSWER line."""

    number: int
    text_lines: list[str]
    options: list[str] = field(default_factory=list)
    in_options: bool = False  # an option line was read: text now starts the next question
    broken: bool = False  # a problem was reported: read on to its end, import nothing
    blank_after_text: bool = False  # more text now starts the next question


def parse_aiken(text: str) -> ParsedFile:
    """Read questions in Moodle's Aiken format, reporting problems by line number.

    Lines are read as Moodle's importer reads them: an option is a capital letter, "." or ")"
    and its text (the space is optional); "ANSWER:" ends a question; any other line starts one.
    Unlike Moodle we also take a question's text over several consecutive lines. Every line
    that is not part of a complete question is reported, so nothing is joined to a neighbour:
    an option or ANSWER line with no question text above it, text after the options (which
    starts the next question, as in Moodle), text left without options by a blank line.
    """
    parsed = ParsedFile(kind="aiken")
    question: _AikenQuestion | None = None

    def report(number, message):
        parsed.errors.append(LineError(number, message))

    def abandon():
        """Report the question read so far, which ends without its ANSWER line."""
        if question.broken:
            return
        if question.options:
            report(question.number, _("This question has no ANSWER line after its options."))
        else:
            report(
                question.number,
                _(
                    "This question has no options. Write its text on consecutive lines, with no "
                    "blank line, then its options and the ANSWER line."
                ),
            )

    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        answer = _AIKEN_ANSWER.match(line)
        option = _AIKEN_OPTION.match(line)
        if not line:
            if question and not question.in_options:
                question.blank_after_text = True
        elif answer:
            if question is None:
                report(number, _("This ANSWER line belongs to no question."))
            elif not question.options:
                if not question.broken:
                    report(number, _("This ANSWER line has no options (A. and B.) above it."))
            elif not question.broken:
                _add_aiken_question(parsed, question, answer.group(1).strip())
            question = None
        elif option and question is None:
            report(
                number,
                _(
                    "This option belongs to no question: write the question text on the line "
                    "above its options."
                ),
            )
        elif option:
            question.in_options = True
            problem = "" if question.broken else _aiken_option_problem(question, *option.groups())
            if problem:
                report(number, problem)
                question.broken = True
            elif not question.broken:
                question.options.append(option.group(2))
        elif question is None:
            question = _AikenQuestion(number, [line])
        elif question.in_options or question.blank_after_text:
            if question.in_options and not question.broken:
                report(
                    number, _('Expected the next option (as in "C. text") or the ANSWER line.')
                )
                question.broken = True
            abandon()
            question = _AikenQuestion(number, [line])
        else:
            question.text_lines.append(line)
        if len(parsed.questions) + len(parsed.errors) > MAX_QUESTIONS:
            raise _too_many()
    if question:
        abandon()
    return parsed


def _aiken_option_problem(question: _AikenQuestion, letter: str, option: str) -> str:
    """Return what is wrong with the next option line of a question, or ""."""
    options = question.options
    position = OPTION_LETTERS.find(letter)
    if letter in OPTION_LETTERS[: len(options)]:
        return _("Option %(letter)s is written twice in this question.") % {"letter": letter}
    if position < 0:
        return _("A question has at most %(max)d options, A to %(last)s; found %(found)s.") % {
            "max": MAX_OPTIONS,
            "last": OPTION_LETTERS[-1],
            "found": letter,
        }
    if position != len(options):
        return _("Expected option %(expected)s here, found %(found)s.") % {
            "expected": OPTION_LETTERS[len(options)],
            "found": letter,
        }
    if not option:
        return _("Option %(letter)s has no text.") % {"letter": letter}
    return ""


def _add_aiken_question(parsed: ParsedFile, question: _AikenQuestion, answer: str) -> None:
    checked, problems = _check_row(
        number=question.number,
        text="\n".join(question.text_lines),
        options=question.options,
        key=answer,
        topic="",
        explanation="",
    )
    parsed.errors.extend(LineError(question.number, problem) for problem in problems)
    if checked:
        parsed.questions.append(checked)


# Writing ----------------------------------------------------------------------------------------


@dataclass
class QuestionRow:
    text: str
    options: list[str]
    correct: int
    topic: str = ""
    explanation: str = ""


def table_headers(questions: list[QuestionRow]) -> list[str]:
    """Return the export's columns: A–E always, F only when a question has six options."""
    width = max([5, *(len(q.options) for q in questions)])
    letters = [HEADERS[letter.lower()] for letter in OPTION_LETTERS[:width]]
    return [HEADERS["text"], *letters, HEADERS["key"], HEADERS["topic"], HEADERS["explanation"]]


def write_question_table(questions: list[QuestionRow], *, file_format: str) -> bytes:
    """Write questions as XLSX or CSV in the columns the import reads."""
    headers = table_headers(questions)
    width = len(headers) - 4
    rows = [
        [q.text, *(q.options + [""] * (width - len(q.options))), OPTION_LETTERS[q.correct],
         q.topic, q.explanation]
        for q in questions
    ]  # fmt: skip
    if file_format == "xlsx":
        return write_xlsx(headers, rows)
    if file_format == "csv":
        return write_csv(headers, rows)
    raise ValueError(f"Unknown format {file_format}")


def write_aiken(questions: list[QuestionRow]) -> bytes:
    """Write questions in Moodle's Aiken format (UTF-8); each question on one line, as Moodle
    requires."""
    blocks = []
    for question in questions:
        lines = [" ".join(question.text.split())]
        lines += [
            f"{OPTION_LETTERS[i]}. {' '.join(option.split())}"
            for i, option in enumerate(question.options)
        ]
        lines.append(f"ANSWER: {OPTION_LETTERS[question.correct]}")
        blocks.append("\n".join(lines))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
