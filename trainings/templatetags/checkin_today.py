"""The home page's cards about today: the participant's check-in ({% checkin_today_card %}) and
the organiser's sessions with their projector ({% sessions_today_card %})."""

from django import template
from django.utils import timezone

from trainings.forms.attendance import CheckinCodeForm
from trainings.selectors.attendance import (
    TodayCheckin,
    checkin_today,
    sessions_today_for_attendance,
)
from trainings.views.checkin import checkin_prefix

register = template.Library()


@register.inclusion_tag("trainings/participant/_today_checkin.html", takes_context=True)
def checkin_today_card(context):
    """Show a participant the sessions open for check-in now, with the code form, first."""
    user = context["user"]
    if not hasattr(user, "employee"):
        return {"today": TodayCheckin()}
    return {
        "today": checkin_today(user=user, now=timezone.now()),
        "form": CheckinCodeForm(),
        "next": context["request"].path,
        "checkin_prefix": checkin_prefix(),
    }


@register.inclusion_tag("trainings/checkin/_home_sessions_today.html", takes_context=True)
def sessions_today_card(context):
    """Show an organiser today's sessions, each one click from its projector."""
    return {
        "sessions": sessions_today_for_attendance(
            context["user"], today=timezone.localdate()
        ),
    }
