"""
Demo data: the 2022 Bimtek Pelayanan Prima (BIMTEK-PP-2022) gets its question bank of 20
questions, a pre-test and a post-test taken by its participants, and released results.

Each participant has an ability and a learning gain drawn from a generator seeded with their
NIP, so the scores are the same on every run and do not depend on the order of anything: the
pre-test averages about 50, the post-test about 80, with a spread of N-gains from rendah to
tinggi. Who took which test follows the attendance: those present at the first session took
the pre-test, those present at the last one the post-test.

Two questions have problems that the question analysis flags, as real banks do:

- "5S" is known by nearly everybody before the training (facility ≥ 0.90 in the pre-test);
- the SKM question has the wrong key (7 unsur instead of 9, which its own explanation gives):
  the strongest participants answer 9 and are marked wrong, so it discriminates negatively.

Everything goes through the services with the clock set to 14 and 15 September 2022. Idempotent:
a training whose tests have attempts is left as it is.

The open second batch (BIMTEK-PP-2026-A2) gets a copy of the bank, with the SKM key put right,
and a pre-test on its first morning, so the copy between batches can be seen too.
"""

import datetime
import math
import random

from django.db import transaction
from django.utils import timezone

from trainings.models import Attendance, Enrolment, Session, Training

from assessments.models import Assessment, Attempt, Question
from assessments.selectors import bank_for_training
from assessments.services import (
    configure_assessment,
    copy_question_bank,
    create_question,
    release_results,
    save_answer,
    start_attempt,
    submit_attempt,
    update_question,
)

DEMO_TRAINING_CODE = "BIMTEK-PP-2022"
NEXT_BATCH_CODE = "BIMTEK-PP-2026-A2"
SEED = "bimtek-demo-tests-2022"

# The sessions of the demo schedule, by the start of their topic.
TOPICS = {
    "uu": "Kebijakan Pelayanan Publik",
    "standar": "Standar Pelayanan",
    "budaya": "Budaya Pelayanan Prima",
    "akhlak": "Nilai Dasar ASN BerAKHLAK",
    "lapor": "Pengelolaan Pengaduan",
    "skm": "Survei Kepuasan Masyarakat",
    "etika": "Etika Pelayanan",
}

WRONG_KEY_TEXT = "Survei Kepuasan Masyarakat"  # start of the question whose key is wrong

# (topic, difficulty, question, options with the correct one first, key position, explanation)
QUESTIONS = [
    ("uu", -0.6,
     "Undang-undang yang menjadi dasar penyelenggaraan pelayanan publik di Indonesia adalah …",
     ["UU Nomor 25 Tahun 2009", "UU Nomor 5 Tahun 2014", "UU Nomor 23 Tahun 2014",
      "UU Nomor 14 Tahun 2008"], 0,
     ("UU 25/2009 mengatur pelayanan publik. UU 5/2014 mengatur ASN, UU 23/2014 pemerintahan "
     "daerah, dan UU 14/2008 keterbukaan informasi publik.")),
    ("uu", 0.3,
     ("Asas pelayanan publik yang menuntut setiap warga dilayani tanpa membedakan suku, agama, "
     "golongan, gender, dan status ekonomi adalah asas …"),
     ["persamaan perlakuan (tidak diskriminatif)", "keprofesionalan", "kecepatan",
      "akuntabilitas"], 2,
     "Persamaan perlakuan/tidak diskriminatif: setiap warga berhak atas pelayanan yang sama."),
    ("uu", 0.8,
     "Jalur kursi roda dan loket prioritas bagi lansia dan ibu hamil merupakan wujud asas …",
     ["fasilitas dan perlakuan khusus bagi kelompok rentan", "keterbukaan", "partisipatif",
      "kepastian hukum"], 1,
     "UU 25/2009 mewajibkan fasilitas dan perlakuan khusus bagi kelompok rentan."),
    ("uu", 0.5,
     "Asas akuntabilitas dalam pelayanan publik berarti …",
     ["proses pelayanan dapat dipertanggungjawabkan sesuai ketentuan",
      "pelayanan diberikan secepat mungkin tanpa prosedur",
      "setiap petugas boleh menetapkan tarif sendiri",
      "pengaduan hanya dilayani pada hari kerja"], 3,
     "Akuntabel: setiap langkah dan keputusan pelayanan dapat dipertanggungjawabkan."),
    ("standar", 0.9,
     "Maklumat pelayanan adalah …",
     ["pernyataan tertulis kesanggupan penyelenggara melaksanakan pelayanan sesuai standar",
      "daftar nama petugas loket", "surat keputusan pengangkatan pegawai",
      "laporan keuangan unit layanan"], 1,
     "Maklumat pelayanan dipasang di tempat layanan dan memuat janji memenuhi standar pelayanan."),
    ("standar", 0.2,
     "Yang termasuk komponen standar pelayanan yang wajib diumumkan kepada masyarakat adalah …",
     ["persyaratan, prosedur, jangka waktu, dan biaya/tarif", "nama atasan langsung petugas",
      "jadwal cuti pegawai", "rincian gaji petugas"], 0,
     "Standar pelayanan memuat antara lain persyaratan, prosedur, jangka waktu, dan biaya/tarif."),
    ("standar", -0.8,
     ("Standar pelayanan menetapkan KTP elektronik selesai dalam 14 hari kerja. Sikap petugas "
     "yang tepat adalah …"),
     ["menyelesaikannya dalam waktu itu dan memberi tahu warga bila ada kendala",
      "menunda sampai berkas menumpuk", "meminta imbalan agar selesai lebih cepat",
      "menyuruh warga datang lagi tanpa kepastian"], 3,
     "Standar pelayanan adalah janji kepada warga; kendala disampaikan terbuka, tanpa imbalan."),
    ("budaya", 1.0,
     "A3 dalam budaya pelayanan prima adalah …",
     ["Attitude, Attention, Action", "Aman, Akurat, Akuntabel", "Ability, Accuracy, Agility",
      "Ask, Answer, Act"], 2,
     "A3: sikap (attitude), perhatian (attention), dan tindakan (action)."),
    ("budaya", -3.8,
     "Budaya pelayanan 5S terdiri atas …",
     ["Senyum, Salam, Sapa, Sopan, Santun", "Senyum, Sabar, Sigap, Sopan, Sehat",
      "Salam, Sapa, Siap, Sigap, Sukses", "Senyum, Serius, Sopan, Santai, Sabar"], 0,
     "5S: Senyum, Salam, Sapa, Sopan, Santun."),
    ("budaya", 0.6,
     "Petugas menatap warga dan mendengarkan keluhannya sampai selesai. Ini wujud unsur A3 …",
     ["Attention", "Attitude", "Action", "Accountability"], 1,
     "Attention: memberi perhatian penuh kepada warga yang dilayani."),
    ("akhlak", 1.2,
     "Kepanjangan nilai dasar ASN BerAKHLAK adalah …",
     ["Berorientasi Pelayanan, Akuntabel, Kompeten, Harmonis, Loyal, Adaptif, Kolaboratif",
      "Bersih, Amanah, Kreatif, Hemat, Luwes, Aktif, Kompak",
      "Berintegritas, Adil, Komunikatif, Humanis, Lugas, Aman, Kreatif",
      "Berkarakter, Akurat, Kompetitif, Handal, Loyal, Agamis, Konsisten"], 0,
     ("BerAKHLAK: Berorientasi Pelayanan, Akuntabel, Kompeten, Harmonis, Loyal, Adaptif, "
     "Kolaboratif.")),
    ("akhlak", 1.0,
     ("Nilai BerAKHLAK yang menuntut ASN terus berinovasi dan antusias menghadapi perubahan "
     "adalah …"),
     ["Adaptif", "Loyal", "Harmonis", "Akuntabel"], 2,
     "Adaptif: cepat menyesuaikan diri, berinovasi, dan antusias menghadapi perubahan."),
    ("akhlak", 0.4,
     ("Kepala dinas menandatangani berkas warga pada hari yang sama walaupun sedang rapat, agar "
     "warga tidak perlu kembali. Ini paling sesuai dengan nilai …"),
     ["Berorientasi Pelayanan", "Harmonis", "Loyal", "Kolaboratif"], 3,
     "Berorientasi pelayanan: memahami dan memenuhi kebutuhan warga dengan cepat."),
    ("lapor", 0.7,
     "SP4N-LAPOR! adalah …",
     ["Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional", "Sistem Pelaporan Pajak Nasional",
      "aplikasi presensi ASN", "sistem pengadaan barang dan jasa"], 1,
     "SP4N-LAPOR! menyalurkan pengaduan warga ke instansi yang berwenang menindaklanjutinya."),
    ("lapor", 0.2,
     ("Seorang warga menyampaikan pengaduan dengan marah di loket. Langkah pertama yang tepat "
     "adalah …"),
     ["mendengarkan dengan tenang, meminta maaf atas ketidaknyamanan, lalu mencatat pengaduannya",
      "membalas dengan nada tinggi agar warga diam", "meminta warga datang lagi besok",
      "menyuruh warga menulis di media sosial"], 0,
     "Dengarkan dulu, tunjukkan empati, catat, lalu tindak lanjuti."),
    ("lapor", 0.5,
     "Pengaduan yang masuk melalui SP4N-LAPOR! sebaiknya …",
     ["ditindaklanjuti dan dijawab dalam batas waktu yang ditentukan",
      "diabaikan bila pelapor tidak mencantumkan nama", "dihapus agar kinerja unit terlihat baik",
      "diteruskan ke media massa"], 2,
     "Setiap pengaduan, juga yang anonim, ditindaklanjuti dan dijawab tepat waktu."),
    ("skm", 1.2,
     ("Survei Kepuasan Masyarakat menurut PermenPANRB Nomor 14 Tahun 2017 terdiri atas berapa "
     "unsur?"),
     ["9 unsur", "5 unsur", "7 unsur", "11 unsur"], None,  # see wrong_key below
     ("Sembilan unsur: persyaratan; sistem, mekanisme, dan prosedur; waktu penyelesaian; "
     "biaya/tarif; produk spesifikasi jenis pelayanan; kompetensi pelaksana; perilaku "
     "pelaksana; penanganan pengaduan, saran dan masukan; sarana dan prasarana.")),
    ("skm", 1.1,
     "Hasil SKM dengan nilai indeks 80,50 termasuk mutu pelayanan …",
     ["B (Baik)", "A (Sangat Baik)", "C (Kurang Baik)", "D (Tidak Baik)"], 1,
     "Nilai 76,61–88,30 bermutu B (Baik); A mulai 88,31."),
    ("etika", -0.6,
     ("Setelah urusannya selesai, seorang warga memberi amplop berisi uang sebagai tanda terima "
     "kasih. Sikap petugas yang benar adalah …"),
     ["menolak dengan sopan dan menjelaskan bahwa layanan tidak dipungut imbalan",
      "menerima karena urusan sudah selesai", "menerima lalu membaginya dengan rekan kerja",
      "menerima asal tidak dilihat atasan"], 3,
     "Pemberian yang berhubungan dengan jabatan adalah gratifikasi: tolak dengan sopan."),
    ("etika", -0.2,
     "Penampilan petugas layanan yang sesuai etika pelayanan adalah …",
     ["berseragam sesuai ketentuan, rapi, bersih, dan memakai tanda pengenal",
      "berpakaian bebas agar terlihat santai", "berseragam tanpa tanda pengenal",
      "rapi hanya saat ada kunjungan pimpinan"], 0,
     ("Seragam, kerapian, dan tanda pengenal menunjukkan petugas siap dan dapat dimintai "
     "tanggung jawab.")),
]  # fmt: skip
# The SKM options as they appear: 5, 7, 9, 11 unsur; the key says 7 (B), the truth is 9 (C).
WRONG_KEY_ORDER = ["5 unsur", "7 unsur", "9 unsur", "11 unsur"]
WRONG_KEY, TRUE_KEY = 1, 2

PRE_SHIFT, POST_SHIFT = -0.1, 1.7
DISCRIMINATION = 1.4  # how sharply knowing a question follows ability
PRE_DAY, POST_DAY = datetime.date(2022, 9, 14), datetime.date(2022, 9, 15)


def demo_training() -> Training | None:
    """Return the 2022 demo training, or None if the trainings demo has not created it."""
    return Training.objects.filter(code__iexact=DEMO_TRAINING_CODE).first()


def _wib(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_default_timezone()
    )


@transaction.atomic
def seed_demo_tests(*, training: Training | None) -> list[Assessment]:
    """Give the demo training its bank, tests, attempts and released results; no-op without it.

    Returns the tests created ([] when they were there already).
    """
    if training is None:
        return []
    if Attempt.objects.filter(assessment__training=training).exists():
        return []
    _bank(training)
    pre = configure_assessment(
        training=training,
        kind=Assessment.Kind.PRE,
        opens_at=_wib(PRE_DAY, 7, 30),
        closes_at=_wib(PRE_DAY, 8, 30),
        time_limit_minutes=20,
    )
    post = configure_assessment(
        training=training,
        kind=Assessment.Kind.POST,
        opens_at=_wib(POST_DAY, 13, 45),
        closes_at=_wib(POST_DAY, 14, 45),
        time_limit_minutes=20,
    )
    sessions = list(Session.objects.filter(training=training).order_by("date", "start_time"))
    present = _present(training, [sessions[0], sessions[-1]]) if sessions else ({}, {})
    for enrolment in (
        Enrolment.objects.filter(training=training, status=Enrolment.Status.ENROLLED)
        .select_related("employee")
        .order_by("employee__nip", "pk")
    ):
        person = random.Random(f"{SEED}-{enrolment.employee.nip or enrolment.pk}")
        ability, learning = person.gauss(0, 1), person.gauss(0, 0.7)
        if enrolment.pk in present[0]:
            _sit(pre, enrolment, person, shift=ability + PRE_SHIFT, start=present[0][enrolment.pk])
        if enrolment.pk in present[1]:
            _sit(post, enrolment, person, shift=ability + POST_SHIFT + learning,
                 start=present[1][enrolment.pk])  # fmt: skip
    pre = release_results(assessment=pre, now=_wib(POST_DAY, 15, 30))
    post = release_results(assessment=post, now=_wib(POST_DAY, 15, 30))
    _next_batch(training)
    return [pre, post]


def _bank(training: Training) -> None:
    if Question.objects.filter(training=training).exists():
        return
    sessions = {
        key: Session.objects.filter(training=training, topic__startswith=prefix).first()
        for key, prefix in TOPICS.items()
    }
    for topic, _difficulty, text, options, key, explanation in QUESTIONS:
        if key is None:
            options, key = WRONG_KEY_ORDER, WRONG_KEY
        else:
            correct, others = options[0], options[1:]
            options = [*others[:key], correct, *others[key:]]
        create_question(
            training=training,
            text=text,
            options=options,
            correct=key,
            topic=sessions[topic],
            explanation=explanation,
        )


def _present(training: Training, sessions: list[Session]) -> tuple[dict, dict]:
    """Return, for the first and last session, enrolment id -> minutes after the test opened
    that the person started (earlier for those who came early)."""
    attended = set(training.attended_statuses)
    found = []
    for session in sessions:
        rows = Attendance.objects.filter(session=session, status__in=attended).values_list(
            "enrolment_id", "status"
        )
        found.append(
            {enrolment_id: (12 if status == "terlambat" else 0) for enrolment_id, status in rows}
        )
    return found[0], found[1]


def _logistic(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def _sit(assessment, enrolment, person: random.Random, *, shift: float, start: int) -> None:
    """Take a test as this person would: know each answer with the model's probability."""
    now = assessment.opens_at + datetime.timedelta(minutes=start + person.randint(0, 14))
    attempt = start_attempt(
        assessment=assessment, enrolment=enrolment, now=now, rng=random.Random(person.random())
    )
    difficulty = {text: level for _t, level, text, *_rest in QUESTIONS}
    answers = list(
        attempt.answers.select_related("question").prefetch_related("question__options")
        .order_by("position")
    )  # fmt: skip
    # Some run out of time on the last one or two questions.
    skipped = person.choices([0, 1, 2], weights=[88, 8, 4])[0]
    for answer in answers[: len(answers) - skipped]:
        now += datetime.timedelta(seconds=person.randint(25, 55))
        options = list(answer.question.options.all())
        chance = _logistic(DISCRIMINATION * (shift - difficulty[answer.question.text]))
        save_answer(
            attempt=attempt, question_id=answer.question_id,
            option_id=_choose(person, answer.question, options, knows=person.random() < chance),
            now=now,
        )  # fmt: skip
    if skipped:
        submit_attempt(attempt=attempt, now=attempt.deadline)  # time ran out
    else:
        submit_attempt(attempt=attempt, now=now + datetime.timedelta(seconds=30))


def _choose(person: random.Random, question: Question, options, *, knows: bool) -> int:
    if question.text.startswith(WRONG_KEY_TEXT):
        right, keyed = options[TRUE_KEY], options[WRONG_KEY]
        if knows:
            return right.pk
        # The keyed 7 is the favourite guess of those who do not know.
        if person.random() < 0.8:
            return keyed.pk
        return person.choice([o for o in options if o.pk not in (right.pk, keyed.pk)]).pk
    correct = next(o for o in options if o.is_correct)
    if knows:
        return correct.pk
    return person.choice([o for o in options if not o.is_correct]).pk


def _next_batch(training: Training) -> None:
    """Copy the bank into the open second batch, put the SKM key right, set up its pre-test."""
    batch = Training.objects.filter(code__iexact=NEXT_BATCH_CODE).first()
    if batch is None or Assessment.objects.filter(training=batch).exists():
        return
    copy_question_bank(source=training, target=batch)
    for question in bank_for_training(batch):
        if question.text.startswith(WRONG_KEY_TEXT):
            update_question(
                question=question, text=question.text,
                options=[o.text for o in question.options.all()], correct=TRUE_KEY,
                topic=question.topic, explanation=question.explanation,
            )  # fmt: skip
    first = Session.objects.filter(training=batch).order_by("date", "start_time").first()
    day = first.date if first else batch.start_date
    configure_assessment(
        training=batch,
        kind=Assessment.Kind.PRE,
        opens_at=_wib(day, 7, 30),
        closes_at=_wib(day, 8, 30),
        time_limit_minutes=20,
    )
