"""Question files: XLSX/CSV tables and Moodle's Aiken format, read and written."""

import io

import openpyxl
import pytest

from assessments.question_files import (
    QuestionFileError,
    QuestionRow,
    parse_aiken,
    parse_table,
    read_question_file,
    write_aiken,
    write_question_table,
)

ROWS = [
    QuestionRow(text="Apa kepanjangan SKM?", options=["Survei Kepuasan Masyarakat", "Standar Kinerja", "Sistem Kendali"], correct=0, topic="SKM", explanation="PermenPANRB 14/2017."),
    QuestionRow(text="=1+1 bukan rumus?", options=["@ya", "-tidak", "+mungkin", "satu", "dua", "enam"], correct=5),
]  # fmt: skip


def _parsed(questions):
    return [(q.text, q.options, q.correct, q.topic, q.explanation) for q in questions]


@pytest.mark.parametrize(("file_format", "filename"), [("xlsx", "soal.xlsx"), ("csv", "soal.csv")])
def test_an_export_reads_back_the_same(file_format, filename):
    content = write_question_table(ROWS, file_format=file_format)

    parsed = read_question_file(io.BytesIO(content), filename=filename)

    assert parsed.errors == []
    assert _parsed(parsed.questions) == [
        (r.text, r.options, r.correct, r.topic, r.explanation) for r in ROWS
    ]


def test_the_xlsx_export_has_the_documented_columns_and_no_formulas():
    workbook = openpyxl.load_workbook(io.BytesIO(write_question_table(ROWS, file_format="xlsx")))
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert rows[0] == ["Pertanyaan", "A", "B", "C", "D", "E", "F", "Kunci", "Topik", "Penjelasan"]
    assert rows[2][:2] == ["=1+1 bukan rumus?", "@ya"]
    assert all(cell.data_type == "s" for cell in sheet[3] if cell.value)


def test_without_six_options_the_export_stops_at_e():
    content = write_question_table(ROWS[:1], file_format="csv").decode("utf-8-sig")

    assert content.splitlines()[0] == "Pertanyaan;A;B;C;D;E;Kunci;Topik;Penjelasan"


def test_header_aliases_and_a_title_row_above_the_header():
    grid = [
        ["Bank soal Pelayanan Prima"],
        [],
        [
            "No",
            "Soal",
            "Pilihan A",
            "Pilihan B",
            "Pilihan C",
            "Kunci Jawaban",
            "Materi",
            "Pembahasan",
        ],
        [1, "Berapa unsur SKM?", 9, 5, 14, "(a)", "SKM", "Sembilan unsur."],
    ]

    parsed = parse_table(grid)

    assert _parsed(parsed.questions) == [
        ("Berapa unsur SKM?", ["9", "5", "14"], 0, "SKM", "Sembilan unsur.")
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["Soal?", "x", "y", "", "C"], "Kuncinya C, tetapi pilihan C kosong."),
        (["Soal?", "x", "", "", "A"], "Soal memerlukan sedikitnya 2 pilihan (A dan B)."),
        (["Soal?", "x", "", "z", "A"], "Pilihan B kosong padahal pilihan sesudahnya terisi."),
        (["Soal?", "x", "y", "", ""], "Kunci kosong."),
        (["Soal?", "x", "y", "", "AB"], "Kunci harus satu huruf, A sampai F; tertulis AB."),
        (["Soal?", "x", "X", "", "A"], "Ada dua pilihan dengan teks yang sama."),
    ],
)
def test_row_problems_are_reported_with_the_row_number(row, message):
    grid = [["Pertanyaan", "A", "B", "C", "Kunci"], ["Baik?", "1", "2", "", "A"], row]

    parsed = parse_table(grid)

    assert [(e.number, e.message) for e in parsed.errors] == [(3, message)]
    assert len(parsed.questions) == 1


def test_a_table_without_the_columns_is_refused():
    with pytest.raises(QuestionFileError) as error:
        parse_table([["Nama", "NIP"], ["Budi", "1"]])

    assert error.value.code == "missing_columns"


def test_csv_with_commas_in_the_text_finds_the_semicolons():
    text = "Pertanyaan;A;B;Kunci\nSiapa, apa, kapan, di mana, mengapa, bagaimana?;x, y;z;B\n"

    parsed = read_question_file(io.BytesIO(text.encode("cp1252")), filename="soal.csv")

    assert _parsed(parsed.questions) == [
        ("Siapa, apa, kapan, di mana, mengapa, bagaimana?", ["x, y", "z"], 1, "", "")
    ]


def test_old_excel_and_other_files_are_refused():
    with pytest.raises(QuestionFileError) as error:
        read_question_file(io.BytesIO(b"\xd0\xcf\x11\xe0rest"), filename="soal.xls")

    assert error.value.code == "file_type"


def test_a_fake_xlsx_is_refused():
    with pytest.raises(QuestionFileError) as error:
        read_question_file(io.BytesIO(b"not a zip"), filename="soal.xlsx")

    assert error.value.code == "not_xlsx"


# Aiken ------------------------------------------------------------------------------------------


def test_aiken_round_trip_puts_each_question_on_one_line():
    rows = [QuestionRow(text="Dua\nbaris?", options=["satu", "dua"], correct=1)]

    text = write_aiken(rows).decode("utf-8")
    parsed = parse_aiken(text)

    assert text == "Dua baris?\nA. satu\nB. dua\nANSWER: B\n"
    assert _parsed(parsed.questions) == [("Dua baris?", ["satu", "dua"], 1, "", "")]


def test_aiken_accepts_a_question_over_several_lines_and_blank_lines_between():
    text = "Perhatikan kasus berikut.\nApa yang Anda lakukan?\n\nA) Tolak\nB) Terima\nANSWER:A\n"

    parsed = parse_aiken(text)

    assert _parsed(parsed.questions) == [
        ("Perhatikan kasus berikut.\nApa yang Anda lakukan?", ["Tolak", "Terima"], 0, "", "")
    ]


def test_aiken_problems_are_reported_by_line():
    text = (
        "Satu?\nA. x\nB. y\nANSWER: A\n"
        "\n"
        "Dua?\nA. x\nC. y\nANSWER: A\n"  # lines 6-9: C where B belongs
        "\n"
        "Tiga?\nA. x\nB. y\nANSWER: D\n"  # line 11: key without its option
        "\n"
        "Empat?\nA. x\nB. y\n"  # line 16: no ANSWER
    )

    parsed = parse_aiken(text)

    assert [q.text for q in parsed.questions] == ["Satu?"]
    assert [(e.number, e.message) for e in parsed.errors] == [
        (8, "Di sini seharusnya pilihan B, tertulis C."),
        (11, "Kuncinya D, tetapi pilihan D kosong."),
        (16, "Soal ini tidak memiliki baris ANSWER setelah pilihannya."),
    ]


def test_aiken_text_after_the_options_without_answer():
    parsed = parse_aiken("Satu?\nA. x\nB. y\nDua?\nA. p\nB. q\nANSWER: A\n")

    assert [(e.number, e.message) for e in parsed.errors] == [
        (4, 'Seharusnya pilihan berikutnya (seperti "C. teks") atau baris ANSWER.')
    ]
