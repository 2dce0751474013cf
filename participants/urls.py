from django.urls import path

from participants import views, views_accounts, views_units

app_name = "participants"

urlpatterns = [
    path("", views.employee_list, name="employee_list"),
    path("tambah/", views.employee_create, name="employee_create"),
    path("unduh/", views.employee_export, name="employee_export"),
    path("profil-saya/", views.my_profile, name="my_profile"),
    path("kode-aktivasi/", views.activation_slips, name="activation_slips"),
    path("<int:pk>/", views.employee_detail, name="employee_detail"),
    path("<int:pk>/ubah/", views.employee_edit, name="employee_edit"),
    path("<int:pk>/kode-aktivasi/", views.activation_slip, name="activation_slip"),
    path("unit/", views_units.unit_list, name="unit_list"),
    path("unit/tambah/", views_units.unit_create, name="unit_create"),
    path("unit/<int:pk>/ubah/", views_units.unit_edit, name="unit_edit"),
    path("unit/<int:pk>/hapus/", views_units.unit_delete, name="unit_delete"),
    path("akun/", views_accounts.account_list, name="account_list"),
    path("akun/<int:pk>/", views_accounts.account_detail, name="account_detail"),
    path("akun/<int:pk>/peran/", views_accounts.account_roles, name="account_roles"),
    path("akun/<int:pk>/aktif/", views_accounts.account_active, name="account_active"),
]
