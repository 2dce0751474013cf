"""Evaluation pages under /evaluasi/: the organiser's by training, the participant's own."""

from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("saya/", views.my_evaluations, name="my_evaluations"),
    path("pelatihan/<int:training_pk>/", views.form_settings, name="form_settings"),
    path("pelatihan/<int:training_pk>/buat/", views.form_create, name="form_create"),
    path("pelatihan/<int:training_pk>/pratinjau/", views.form_preview, name="form_preview"),
    path("pelatihan/<int:training_pk>/hasil/", views.results, name="results"),
    path("pelatihan/<int:training_pk>/hasil/unduh/", views.results_export, name="results_export"),
    path("pelatihan/<int:training_pk>/isi/", views.respond, name="respond"),
]
