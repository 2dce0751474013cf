"""URLs of the check-in and attendance pages, included under the "bimtek" namespace by
bimtek/urls_app.py."""

from django.urls import path

from .views import attendance, checkin

urlpatterns = [
    # The participant
    path("presensi/", checkin.checkin, name="checkin"),
    path("hadir/<str:token>/", checkin.self_checkin, name="self_checkin"),
    # The organiser
    path("<int:pk>/proyektor/", checkin.projector, name="projector"),
    path("sesi/<int:pk>/proyektor/", checkin.session_projector, name="session_projector"),
    path(
        "sesi/<int:pk>/proyektor/terkini/",
        checkin.session_projector_live,
        name="session_projector_live",
    ),
    path("lencana/<str:token>/", checkin.badge_scan, name="badge_scan"),
    path("<int:pk>/presensi/", attendance.attendance_grid, name="attendance_grid"),
    path(
        "sesi/<int:session_pk>/presensi/<int:enrolment_pk>/",
        attendance.attendance_set,
        name="attendance_set",
    ),
    path(
        "sesi/<int:session_pk>/alpa/", attendance.attendance_mark_alpa, name="attendance_mark_alpa"
    ),
]
