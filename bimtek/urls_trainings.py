"""URLs of the trainings pages, included under the "bimtek" namespace by bimtek/urls_app.py."""

from django.urls import path

from .views import trainings as views

urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("tambah/", views.training_create, name="training_create"),
    path("<int:pk>/", views.training_detail, name="training_detail"),
    path("<int:pk>/ubah/", views.training_edit, name="training_edit"),
    path("<int:pk>/status/", views.training_status, name="training_status"),
    path("<int:pk>/salin/", views.training_copy, name="training_copy"),
    path("<int:pk>/jadwal/", views.training_schedule, name="training_schedule"),
    path("<int:pk>/sesi/tambah/", views.session_create, name="session_create"),
    path("sesi/<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("sesi/<int:pk>/hapus/", views.session_delete, name="session_delete"),
    path("narasumber/<int:pk>/ubah/", views.speaker_edit, name="speaker_edit"),
]
