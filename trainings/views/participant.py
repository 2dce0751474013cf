"""The participant's own page, "Pelatihan saya": nothing here takes another person's id."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trainings import badges
from trainings.forms.attendance import CheckinCodeForm
from trainings.models import Enrolment
from trainings.selectors.enrolment import open_checkins_of, trainings_of_participant
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
