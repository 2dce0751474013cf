"""URLs of the checkin pages, included under the "bimtek" namespace by bimtek/urls_app.py."""

urlpatterns = []
