"""
Demo data: an anonymous evaluation of the finished 2022 Bimtek with realistic answers.

About 50 of the 55 participants respond, mostly "Baik" and "Sangat baik", with the meals
("Konsumsi") and keeping to the schedule rated lower, and a few Indonesian open answers. The
answers are drawn from a seeded random generator and written through submit_response, so they
obey every rule a real response does. Idempotent: a form that already has responses is left
as it is.
"""

import datetime
import random

from django.db import transaction

from trainings.models import Enrolment, Training

from evaluations.models import EvaluationForm, Question
from evaluations.selectors import evaluation_form_of, questions_by_section, speakers_of_training
from evaluations.services import create_evaluation_form, submit_response

DEMO_TRAINING_CODE = "BIMTEK-PP-2022"
SEED = 2022
SHARE_RESPONDING = 50 / 55

# Weights of the values 1 to 5.
STRONG = (0, 0, 6, 40, 54)
GOOD = (0, 2, 12, 50, 36)
FAIR = (0, 6, 26, 48, 20)
WEAK = (3, 17, 40, 30, 10)

ORGANISATION_PROFILE = {
    "Konsumsi": WEAK,
    "Ketepatan waktu pelaksanaan sesuai jadwal": FAIR,
    "Kebersihan dan kenyamanan ruangan": GOOD,
    "Pelayanan panitia": STRONG,
}
SPEAKER_PROFILE = {"Penguasaan materi": STRONG, "Sikap dan perilaku": STRONG}
# The second speaker of the schedule ran over time.
LATE_SPEAKER_PROFILE = {"Ketepatan waktu": WEAK, "Metode dan media pembelajaran": FAIR}

OPEN_ANSWERS = [
    [
        "Konsumsi siang sebaiknya disajikan tepat waktu dan menunya lebih bervariasi.",
        "Waktu praktik simulasi pelayanan perlu ditambah.",
        "Pendingin ruangan di aula kurang dingin pada siang hari.",
        "Bahan ajar sebaiknya dibagikan sebelum pelatihan dimulai.",
        "Sesi tanya jawab diperpanjang agar semua peserta sempat bertanya.",
        "Jadwal sesi terakhir molor, mohon lebih tepat waktu.",
    ],
    [
        "5S: Senyum, Salam, Sapa, Sopan, Santun",
        "Nilai dasar ASN BerAKHLAK",
        "Penanganan pengaduan melalui SP4N-LAPOR!",
        "Standar pelayanan dan maklumat pelayanan",
        "A3: Attitude, Attention, Action",
    ],
    [
        "Pelatihan komunikasi efektif dengan masyarakat",
        "Bimtek penyusunan SOP pelayanan",
        "Pelatihan pengelolaan pengaduan masyarakat",
        "Pelatihan pelayanan bagi kelompok rentan dan penyandang disabilitas",
    ],
]


def demo_training() -> Training | None:
    """Return the 2022 demo training, or None if the trainings demo has not created it."""
    return Training.objects.filter(code__iexact=DEMO_TRAINING_CODE).first()


@transaction.atomic
def seed_demo_evaluation(*, training: Training | None) -> EvaluationForm | None:
    """Give the training an anonymous evaluation with the demo's responses; no-op without one."""
    if training is None:
        return None
    form = evaluation_form_of(training=training) or create_evaluation_form(
        training=training, is_anonymous=True
    )
    if form.receipts.exists():
        return form
    enrolments = list(training.enrolments.filter(status=Enrolment.Status.ENROLLED).order_by("pk"))
    rng = random.Random(SEED)
    count = min(len(enrolments), round(len(enrolments) * SHARE_RESPONDING))
    respondents = sorted(rng.sample(enrolments, count), key=lambda enrolment: enrolment.pk)
    sections = questions_by_section(form=form)
    speakers = speakers_of_training(training=training)
    window = form.closes_at - form.opens_at
    for number, enrolment in enumerate(respondents):
        # Most respond on the last afternoon, a few in the days after.
        offset = datetime.timedelta(hours=13, minutes=number * 7)
        if number % 10 == 9:
            offset += datetime.timedelta(days=1 + number % 3)
        submit_response(
            form=form,
            enrolment=enrolment,
            ratings=_ratings(rng, sections, speakers, scale_max=form.scale_max),
            open_answers=_open_answers(rng, sections[Question.Section.OPEN]),
            now=form.opens_at + min(offset, window - datetime.timedelta(minutes=1)),
        )
    return form


def _draw(rng: random.Random, weights, scale_max: int) -> int:
    return min(scale_max, rng.choices(range(1, 6), weights=weights)[0])


def _ratings(rng, sections, speakers, *, scale_max: int) -> dict:
    ratings = {}
    for question in sections[Question.Section.ORGANISATION]:
        ratings[(question.pk, None)] = _draw(
            rng, ORGANISATION_PROFILE.get(question.text, GOOD), scale_max
        )
    for index, speaker in enumerate(speakers):
        profile = {**SPEAKER_PROFILE, **(LATE_SPEAKER_PROFILE if index == 1 else {})}
        for question in sections[Question.Section.SPEAKER]:
            ratings[(question.pk, speaker.pk)] = _draw(
                rng, profile.get(question.text, GOOD), scale_max
            )
    return ratings


def _open_answers(rng, questions) -> dict[int, str]:
    answers = {}
    for question, choices in zip(questions, OPEN_ANSWERS):
        if rng.random() < 0.3:
            answers[question.pk] = rng.choice(choices)
    return answers
