"""The training app's URLs, one module per area so each area can grow on its own."""

from . import urls_checkin, urls_enrolment, urls_reports, urls_trainings

app_name = "bimtek"

urlpatterns = [
    *urls_trainings.urlpatterns,
    *urls_enrolment.urlpatterns,
    *urls_checkin.urlpatterns,
    *urls_reports.urlpatterns,
]
