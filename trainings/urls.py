"""The training app's URLs: trainings and sessions, enrolment, check-in and attendance, reports.

The addresses are printed on badges and slips (`lencana/`, `hadir/`): they never change.
"""

from django.urls import path

from trainings.views import (
    attendance,
    checkin,
    enrolment,
    participant,
    reports,
    scanner,
    trainings,
)

app_name = "trainings"

urlpatterns = [
    # Trainings and their sessions
    path("", trainings.training_list, name="training_list"),
    path("tambah/", trainings.training_create, name="training_create"),
    path("<int:pk>/", trainings.training_detail, name="training_detail"),
    path("<int:pk>/ubah/", trainings.training_edit, name="training_edit"),
    path("<int:pk>/status/", trainings.training_status, name="training_status"),
    path("<int:pk>/salin/", trainings.training_copy, name="training_copy"),
    path("<int:pk>/jadwal/", trainings.training_schedule, name="training_schedule"),
    path("<int:pk>/sesi/tambah/", trainings.session_create, name="session_create"),
    path("sesi/<int:pk>/ubah/", trainings.session_edit, name="session_edit"),
    path("sesi/<int:pk>/hapus/", trainings.session_delete, name="session_delete"),
    path("narasumber/<int:pk>/ubah/", trainings.speaker_edit, name="speaker_edit"),
    # Enrolment
    path("saya/", participant.my_trainings, name="my_trainings"),
    path("saya/<int:enrolment_pk>/jadwal.ics", participant.my_calendar, name="my_calendar"),
    path("<int:training_pk>/peserta/", enrolment.enrolment_list, name="enrolment_list"),
    path("<int:training_pk>/peserta.xlsx", enrolment.enrolment_export, name="enrolment_export"),
    path(
        "<int:training_pk>/peserta/kirim-undangan/",
        enrolment.enrolment_bulk_invite,
        name="enrolment_bulk_invite",
    ),
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
        "<int:training_pk>/peserta/whatsapp/",
        enrolment.whatsapp_list,
        name="whatsapp_list",
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
    # Check-in: the participant
    path("presensi/", checkin.checkin, name="checkin"),
    path("hadir/<str:token>/", checkin.self_checkin, name="self_checkin"),
    # Check-in and attendance: the organiser
    path("<int:pk>/proyektor/", checkin.projector, name="projector"),
    path("sesi/<int:pk>/proyektor/", checkin.session_projector, name="session_projector"),
    path(
        "sesi/<int:pk>/proyektor/terkini/",
        checkin.session_projector_live,
        name="session_projector_live",
    ),
    path("lencana/<str:token>/", checkin.badge_scan, name="badge_scan"),
    path("sesi/<int:pk>/pindai/", scanner.session_scanner, name="session_scanner"),
    path(
        "sesi/<int:pk>/pindai/catat/",
        scanner.session_scanner_record,
        name="session_scanner_record",
    ),
    path("<int:pk>/presensi/", attendance.attendance_grid, name="attendance_grid"),
    path(
        "sesi/<int:session_pk>/presensi/<int:enrolment_pk>/",
        attendance.attendance_set,
        name="attendance_set",
    ),
    path(
        "sesi/<int:session_pk>/alpa/", attendance.attendance_mark_alpa, name="attendance_mark_alpa"
    ),
    # Reports
    path("<int:pk>/rekap-kehadiran/", reports.attendance_recap, name="attendance_recap"),
    path(
        "<int:pk>/rekap-kehadiran.xlsx",
        reports.attendance_recap_xlsx,
        name="attendance_recap_xlsx",
    ),
    path("sesi/<int:pk>/daftar-hadir.pdf", reports.daftar_hadir_pdf, name="daftar_hadir_pdf"),
]
