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


def test_aiken_reads_a_moodle_file_whose_options_have_no_space_after_the_letter():
    text = (
        "Apa kepanjangan SKM?\r\n"
        "A)Survei Kepuasan Masyarakat\r\n"
        "B)Standar Kinerja Minimal\r\n"
        "ANSWER:A\r\n"
        "\r\n"
        "Siapa yang menetapkan formasi PPPK?\r\n"
        "A.Bupati\r\n"
        "B. Menteri PANRB\r\n"
        "C) Kepala BKPSDM\r\n"
        "ANSWER: B\r\n"
    )

    parsed = parse_aiken(text)

    assert parsed.errors == []
    assert _parsed(parsed.questions) == [
        ("Apa kepanjangan SKM?", ["Survei Kepuasan Masyarakat", "Standar Kinerja Minimal"], 0, "", ""),
        ("Siapa yang menetapkan formasi PPPK?", ["Bupati", "Menteri PANRB", "Kepala BKPSDM"], 1, "", ""),
    ]  # fmt: skip


def test_aiken_an_option_after_the_answer_is_reported_not_read_as_the_next_question():
    text = "Satu?\nA. x\nB. y\nANSWER: A\nC. z\nDua?\nA. p\nB. q\nANSWER: B\n"

    parsed = parse_aiken(text)

    assert [(e.number, e.message) for e in parsed.errors] == [
        (5, "Pilihan ini tidak termasuk soal mana pun: tulis teks soal pada baris di atas pilihannya.")
    ]  # fmt: skip
    assert _parsed(parsed.questions) == [
        ("Satu?", ["x", "y"], 0, "", ""),
        ("Dua?", ["p", "q"], 1, "", ""),
    ]


def test_aiken_options_before_any_question_text_are_each_reported():
    parsed = parse_aiken("A. x\nB. y\nANSWER: A\n\nDua?\nA. p\nB. q\nANSWER: B\n")

    assert [(e.number, e.message) for e in parsed.errors] == [
        (1, "Pilihan ini tidak termasuk soal mana pun: tulis teks soal pada baris di atas pilihannya."),
        (2, "Pilihan ini tidak termasuk soal mana pun: tulis teks soal pada baris di atas pilihannya."),
        (3, "Baris ANSWER ini tidak termasuk soal mana pun."),
    ]  # fmt: skip
    assert [q.text for q in parsed.questions] == ["Dua?"]


def test_aiken_an_answer_line_that_belongs_to_no_question_is_reported():
    text = "Satu?\nA. x\nB. y\nANSWER: A\nANSWER: B\n\nDua?\nANSWER: A\n\nTiga?\nA. p\nB. q\nANSWER: B\n"

    parsed = parse_aiken(text)

    assert [(e.number, e.message) for e in parsed.errors] == [
        (5, "Baris ANSWER ini tidak termasuk soal mana pun."),
        (8, "Baris ANSWER ini tidak didahului pilihan (A. dan B.)."),
    ]
    assert [q.text for q in parsed.questions] == ["Satu?", "Tiga?"]


def test_aiken_options_written_twice_beyond_f_or_empty_are_reported_by_line():
    text = (
        "Satu?\nA. x\nA. y\nANSWER: A\n"  # line 3: A again
        "\n"
        "Dua?\nA. 1\nB. 2\nC. 3\nD. 4\nE. 5\nF. 6\nG. 7\nANSWER: G\n"  # line 13: G
        "\n"
        "Tiga?\nA. x\nB.\nANSWER: A\n"  # line 18: B has no text
        "\n"
        "Empat?\nA. x\nB. y\nANSWER: A\n"
    )

    parsed = parse_aiken(text)

    assert [(e.number, e.message) for e in parsed.errors] == [
        (3, "Pilihan A tertulis dua kali dalam soal ini."),
        (13, "Satu soal paling banyak memiliki 6 pilihan, A sampai F; tertulis G."),
        (18, "Pilihan B tidak berisi teks."),
    ]
    assert [q.text for q in parsed.questions] == ["Empat?"]


def test_aiken_text_after_the_options_starts_the_next_question_as_in_moodle():
    parsed = parse_aiken("Satu?\nA. x\nB. y\nDua?\nA. p\nB. q\nANSWER: A\n")

    assert [e.number for e in parsed.errors] == [4]
    assert _parsed(parsed.questions) == [("Dua?", ["p", "q"], 0, "", "")]


def test_aiken_text_with_no_options_is_not_joined_to_the_question_after_a_blank_line():
    parsed = parse_aiken("Satu?\n\nDua?\nA. p\nB. q\nANSWER: A\n\nTiga?\n")

    message = (
        "Soal ini tidak memiliki pilihan. Tulis teks soal pada baris-baris berurutan tanpa baris "
        "kosong, lalu pilihannya dan baris ANSWER."
    )
    assert [(e.number, e.message) for e in parsed.errors] == [(1, message), (8, message)]
    assert _parsed(parsed.questions) == [("Dua?", ["p", "q"], 0, "", "")]
