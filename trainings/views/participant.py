"""The participant's own page, "Pelatihan saya": nothing here takes another person's id."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trainings import badges
from trainings.calendar import CONTENT_TYPE, calendar_filename, training_calendar
from trainings.forms.attendance import CheckinCodeForm
from trainings.models import Enrolment
from trainings.selectors.enrolment import (
    open_checkins_of,
    sessions_of_training,
    trainings_of_participant,
)
from trainings.views.checkin import checkin_prefix


@never_cache
@require_GET
@login_required
def my_trainings(request):
    """Show the signed-in person the check-in open now first, then their trainings, today's
    sessions, attendance, JP and badge."""
    now = timezone.now()
    today = timezone.localdate(now)
    mine = trainings_of_participant(user=request.user, today=today)
    today_trainings = {item.session.training_id for item in mine.today}
    entries = []
    for entry in mine.trainings:
        current = entry.enrolment.status == Enrolment.Status.ENROLLED and (
            entry.training.end_date >= today
        )
        entries.append(
            {
                "entry": entry,
                # segno's own markup, with no user input in it
                "qr": mark_safe(badges.badge_qr_svg(entry.enrolment)) if current else "",
                "has_session_today": entry.enrolment.training_id in today_trainings,
            }
        )
    return render(
        request,
        "trainings/participant/my_trainings.html",
        {
            "mine": mine,
            "entries": entries,
            "today": open_checkins_of(mine, now=now),
            "form": CheckinCodeForm(),
            "next": reverse("trainings:my_trainings"),
            "checkin_prefix": checkin_prefix(),
        },
    )


@require_GET
@login_required
def my_calendar(request, enrolment_pk):
    """Download the sessions of one's own training as a calendar file (.ics)."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("training"),
        pk=enrolment_pk,
        employee__user=request.user,
        status=Enrolment.Status.ENROLLED,
    )
    training = enrolment.training
    response = HttpResponse(
        training_calendar(training, sessions_of_training(training=training)),
        content_type=CONTENT_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{calendar_filename(training)}"'
    return response
