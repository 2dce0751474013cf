"""The home page's evaluation cards: {% load evaluation_cards %}{% evaluation_cards %}."""

from django import template

from evaluations.selectors import evaluations_of_participant

register = template.Library()


@register.inclusion_tag("evaluations/_home_cards.html", takes_context=True)
def evaluation_cards(context):
    """Show participants the evaluations they can fill in now, and organisers the results."""
    user = context["user"]
    return {
        "open_items": [item for item in evaluations_of_participant(user=user) if item.can_respond],
        "can_manage": user.has_perm("evaluations.view_evaluationform"),
    }
