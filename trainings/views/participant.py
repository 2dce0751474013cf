"""The participant's own page, "Pelatihan saya": nothing here takes another person's id."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trainings import badges
from trainings.models import Enrolment
from trainings.selectors.enrolment import trainings_of_participant


@never_cache
@require_GET
@login_required
def my_trainings(request):
    """Show the signed-in person their trainings, today's sessions, attendance, JP and badge."""
    today = timezone.localdate()
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
        {"mine": mine, "entries": entries},
    )
