"""URLs of the test pages, mounted at /tes/ under the "assessments" namespace."""

from django.urls import path

from assessments.views import organiser, participant

app_name = "assessments"

urlpatterns = [
    # The participant's own tests.
    path("", participant.my_tests, name="my_tests"),
    path("<int:pk>/", participant.test_start, name="test_start"),
    path("jawab/<int:pk>/", participant.attempt_take, name="attempt_take"),
    path("jawab/<int:pk>/simpan/", participant.attempt_answer, name="attempt_answer"),
    path("jawab/<int:pk>/kirim/", participant.attempt_submit, name="attempt_submit"),
    path("jawab/<int:pk>/hasil/", participant.attempt_result, name="attempt_result"),
    # Organisers: banks, tests, results.
    path("kelola/", organiser.training_index, name="training_index"),
    path("pelatihan/<int:pk>/", organiser.training_tests, name="training_tests"),
    path("pelatihan/<int:pk>/soal/", organiser.question_list, name="question_list"),
    path("pelatihan/<int:pk>/soal/tambah/", organiser.question_create, name="question_create"),
    path("pelatihan/<int:pk>/soal/impor/", organiser.question_import, name="question_import"),
    path("pelatihan/<int:pk>/soal/ekspor/", organiser.question_export, name="question_export"),
    path("pelatihan/<int:pk>/soal/salin/", organiser.bank_copy, name="bank_copy"),
    path("soal/<int:pk>/ubah/", organiser.question_edit, name="question_edit"),
    path("soal/<int:pk>/hapus/", organiser.question_delete, name="question_delete"),
    path("pelatihan/<int:pk>/<slug:kind>/atur/", organiser.assessment_edit, name="assessment_edit"),
    path(
        "pelatihan/<int:pk>/<slug:kind>/rilis/",
        organiser.assessment_release,
        name="assessment_release",
    ),
    path(
        "pelatihan/<int:pk>/<slug:kind>/buka-sekarang/",
        organiser.assessment_open_now,
        name="assessment_open_now",
    ),
    path("pelatihan/<int:pk>/hasil/", organiser.results, name="results"),
    path("pelatihan/<int:pk>/analisis-soal/", organiser.item_analysis, name="item_analysis"),
    path("pelatihan/<int:pk>/hasil.xlsx", organiser.results_xlsx, name="results_xlsx"),
    path("pelatihan/<int:pk>/ringkasan.pdf", organiser.results_pdf, name="results_pdf"),
    path("percobaan/<int:pk>/reset/", organiser.attempt_reset, name="attempt_reset"),
]
