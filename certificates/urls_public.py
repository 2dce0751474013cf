"""The public verification pages, mounted at /verify/ (no login)."""

from django.urls import path

from certificates import views_public as views

app_name = "verify"

urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("<str:code>/", views.certificate, name="certificate"),
]
