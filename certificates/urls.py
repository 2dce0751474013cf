"""Organiser and participant pages of the certificates, mounted at /sertifikat/."""

from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.training_list, name="training_list"),
    path("pelatihan/<int:pk>/", views.training_certificates, name="training"),
    path("pelatihan/<int:pk>/daftar.xlsx", views.training_certificates_xlsx, name="training_xlsx"),
    path("pelatihan/<int:pk>/terbitkan/", views.issue, name="issue"),
    path("pelatihan/<int:pk>/kirim-email/", views.email, name="email"),
    path("pelatihan/<int:pk>/whatsapp/", views.whatsapp_list, name="whatsapp_list"),
    path(
        "pelatihan/<int:pk>/kirim-email-terpilih/", views.email_selected, name="email_selected"
    ),
    path("pelatihan/<int:pk>/proses/<int:run_pk>/", views.run_detail, name="run"),
    path("pelatihan/<int:pk>/pengaturan/", views.settings_edit, name="settings"),
    path("pelatihan/<int:pk>/pratinjau/<int:enrolment_pk>/", views.preview, name="preview"),
    path("pelatihan/<int:pk>/pengecualian/<int:enrolment_pk>/", views.override, name="override"),
    path(
        "pelatihan/<int:pk>/pengecualian/<int:enrolment_pk>/hapus/",
        views.override_remove,
        name="override_remove",
    ),
    path("pelatihan/<int:pk>/berkas/<str:kind>/buat/", views.export_start, name="export_start"),
    path("pelatihan/<int:pk>/berkas/<int:export_pk>/", views.export_detail, name="export"),
    path(
        "pelatihan/<int:pk>/berkas/<int:export_pk>/unduh/",
        views.export_download,
        name="export_download",
    ),
    path("pelatihan/<int:pk>/siasn.xlsx", views.export_siasn, name="export_siasn"),
    path("<int:cert_pk>/unduh/", views.download, name="download"),
    path("<int:cert_pk>/koreksi/", views.reissue, name="reissue"),
    path("<int:cert_pk>/cabut/", views.revoke, name="revoke"),
    path("<int:cert_pk>/terbitkan-ulang/", views.reissue_revoked, name="reissue_revoked"),
    path("saya/<int:cert_pk>/", views.mine_download, name="mine_download"),
    path("saya/pelatihan/<int:enrolment_pk>/", views.mine_for_enrolment, name="mine_for_enrolment"),
]
