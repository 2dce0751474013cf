"""URLs of the enrolment pages, included under the "bimtek" namespace by bimtek/urls_app.py."""

urlpatterns = []
