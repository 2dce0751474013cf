"""The home page's card about today for a participant: the check-in of a session open now
({% checkin_today_card %}). The organiser's sessions of today are on the home dashboard."""

from django import template
from django.utils import timezone

from trainings.forms.attendance import CheckinCodeForm
from trainings.selectors.attendance import TodayCheckin, checkin_today
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
