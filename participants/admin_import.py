"""
The staff-list import used to live in the Django admin; it is now a page of the app
(participants.views_import). The admin keeps one address, its old one, which leads there.
"""

from django.shortcuts import redirect
from django.urls import path


def admin_import_urls(admin_site):
    """The admin's old import address, kept for bookmarks: it leads to the app's page."""
    return [
        path(
            "import/",
            admin_site.admin_view(lambda request: redirect("participants:import")),
            name="participants_employee_import",
        ),
    ]
