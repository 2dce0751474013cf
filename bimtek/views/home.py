from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..roles import ROLE_LABELS, user_roles


@login_required
def home(request):
    """Show each role its starting points."""
    held = user_roles(request.user)
    labels = [str(label) for role, label in ROLE_LABELS.items() if role in held]
    return render(request, "bimtek/home.html", {"role_labels": labels})
