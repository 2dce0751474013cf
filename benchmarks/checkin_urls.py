"""URLconf for benchmarks/checkin_burst.py only: the app's URLs plus a bare view that does one
insert, the floor a check-in is measured against. Never part of the app's URLs."""

from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from trainings.models import Attendance
from bimtek.urls import urlpatterns as app_urlpatterns


@csrf_exempt
@require_POST
def bare_insert(request):
    """Insert one attendance row from the posted ids; no login, no checks, no template."""
    Attendance.objects.create(
        session_id=int(request.POST["session"]),
        enrolment_id=int(request.POST["enrolment"]),
        status=Attendance.Status.HADIR,
        method=Attendance.Method.SELF,
        recorded_at=timezone.now(),
    )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare-insert/", bare_insert), *app_urlpatterns]
