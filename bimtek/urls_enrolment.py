"""URLs of the enrolment pages, included under the "bimtek" namespace by bimtek/urls_app.py."""

from django.urls import path

from .views import enrolment, participant

urlpatterns = [
    path("saya/", participant.my_trainings, name="my_trainings"),
    path("<int:training_pk>/peserta/", enrolment.enrolment_list, name="enrolment_list"),
    path(
        "<int:training_pk>/peserta/dari-direktori/",
        enrolment.enrol_from_directory,
        name="enrol_from_directory",
    ),
    path(
        "<int:training_pk>/peserta/unggah-nip/", enrolment.enrol_from_file, name="enrol_from_file"
    ),
    path(
        "<int:training_pk>/peserta/undangan/",
        enrolment.invitation_sheet,
        name="invitation_sheet",
    ),
    path(
        "<int:training_pk>/peserta/<int:pk>/batal/",
        enrolment.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path(
        "<int:training_pk>/peserta/<int:pk>/kirim-undangan/",
        enrolment.resend_invitation,
        name="enrolment_resend_invitation",
    ),
]
