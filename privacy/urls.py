from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    # Under /pegawai/profil-saya/, beside the profile page it is offered on.
    path("unduh-data/", views.my_data, name="my_data"),
]
