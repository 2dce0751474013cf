"""The app's URLs with stand-ins for pages of other areas, to test links that appear with them."""

from django.http import HttpResponse
from django.urls import include, path

from bimtek import urls, urls_trainings


def _stub(request, pk):
    return HttpResponse("stub")


stand_ins = [
    path("<int:pk>/peserta/", _stub, name="enrolment_list"),
    path("<int:pk>/rekap/", _stub, name="attendance_recap"),
    path("sesi/<int:pk>/daftar-hadir.pdf", _stub, name="daftar_hadir_pdf"),
]

urlpatterns = [
    *(entry for entry in urls.urlpatterns if str(entry.pattern) != "pelatihan/"),
    path("pelatihan/", include(([*urls_trainings.urlpatterns, *stand_ins], "bimtek"))),
]
