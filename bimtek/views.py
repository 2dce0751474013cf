from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Show each role its starting points."""
    return render(request, "bimtek/home.html")
