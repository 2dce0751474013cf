"""URLs of the reports pages, included under the "bimtek" namespace by bimtek/urls_app.py."""

from django.urls import path

from .views import reports as views

urlpatterns = [
    path("<int:pk>/rekap-kehadiran/", views.attendance_recap, name="attendance_recap"),
    path(
        "<int:pk>/rekap-kehadiran.xlsx", views.attendance_recap_xlsx, name="attendance_recap_xlsx"
    ),
    path("sesi/<int:pk>/daftar-hadir.pdf", views.daftar_hadir_pdf, name="daftar_hadir_pdf"),
]
