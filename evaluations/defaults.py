"""The default evaluation form: Indonesian texts copied into each new form, then editable there.

These are domain texts, not interface strings: they are stored as the form's data, so they are
Indonesian whatever language the organiser's browser uses, and a form keeps the texts it was
created with when these defaults change.
"""

ORGANISATION_ASPECTS = [
    "Fasilitas dan sarana pelatihan",
    "Ketepatan waktu pelaksanaan sesuai jadwal",
    "Kebersihan dan kenyamanan ruangan",
    "Kelengkapan dan kualitas bahan ajar",
    "Pelayanan panitia",
    "Konsumsi",
    "Administrasi penyelenggaraan",
]

SPEAKER_ASPECTS = [
    "Penguasaan materi",
    "Ketepatan waktu",
    "Sistematika penyajian",
    "Metode dan media pembelajaran",
    "Sikap dan perilaku",
    "Cara menjawab pertanyaan",
    "Penggunaan bahasa",
    "Kemampuan memotivasi peserta",
    "Kerapian dan penampilan",
]

OPEN_QUESTIONS = [
    "Saran untuk perbaikan penyelenggaraan pelatihan",
    "Materi yang paling bermanfaat bagi pekerjaan Anda",
    "Pelatihan yang Anda harapkan berikutnya",
]

SCALE_LABELS = {
    5: ["Sangat kurang", "Kurang", "Cukup", "Baik", "Sangat baik"],
    4: ["Sangat kurang", "Kurang", "Baik", "Sangat baik"],
}

DEFAULT_SCALE = 5

# The window a new form gets: from the start of the training's last day, in the training's
# time zone, until a week after it.
CLOSES_DAYS_AFTER_END = 7


def default_questions() -> dict[str, list[str]]:
    """Return the default texts of each section, keyed by Question.Section value."""
    return {
        "organisation": list(ORGANISATION_ASPECTS),
        "speaker": list(SPEAKER_ASPECTS),
        "open": list(OPEN_QUESTIONS),
    }


def default_scale_labels(scale_max: int) -> list[str]:
    """Return the default labels for a 1–4 or 1–5 scale."""
    return list(SCALE_LABELS[scale_max])
