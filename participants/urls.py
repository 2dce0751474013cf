from django.urls import path

from participants import views, views_accounts, views_import, views_units

app_name = "participants"

urlpatterns = [
    path("", views.employee_list, name="employee_list"),
    path("tambah/", views.employee_create, name="employee_create"),
    path("unduh/", views.employee_export, name="employee_export"),
    path("profil-saya/", views.my_profile, name="my_profile"),
    path("kode-aktivasi/", views.activation_slips, name="activation_slips"),
    path("impor/", views_import.upload, name="import"),
    path("impor/templat/", views_import.template_file, name="import_template"),
    path(
        "impor/pemetaan/<int:mapping_id>/lupakan/",
        views_import.forget_mapping,
        name="import_forget_mapping",
    ),
    path("impor/<int:import_id>/", views_import.status, name="import_status"),
    path("impor/<int:import_id>/impor/", views_import.confirm, name="import_confirm"),
    path("impor/<int:import_id>/ulangi/", views_import.restart, name="import_restart"),
    path("impor/<int:import_id>/kolom/", views_import.columns, name="import_columns"),
    path("impor/<int:import_id>/unit/", views_import.units, name="import_units"),
    path("impor/<int:import_id>/ditolak/", views_import.rejected_rows, name="import_rejected"),
    path("impor/<int:import_id>/hasil/", views_import.result, name="import_result"),
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
