from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from participants import views as participant_views

from bimtek import views as site_views

admin.site.site_header = _("Bimtek administration")
admin.site.site_title = _("Bimtek administration")
admin.site.index_title = _("Staff directory and settings")
# The admin signs in through allauth's login, so its second factor is asked there too.
admin.site.login = secure_admin_login(admin.site.login)


def _superusers_only(request) -> bool:
    """Let only active superusers into the Django admin; the roles work in the app's pages."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only

handler500 = site_views.server_error

urlpatterns = [
    path("", site_views.home, name="home"),
    path("sesi-pekan-ini/", site_views.home_sessions, name="home_sessions"),
    path("akun/", include("allauth.urls")),
    path("keamanan-akun/", site_views.mfa_required, name="mfa_required"),
    path("log-audit/", include("audit.urls")),
    path("aktivasi/", participant_views.activate, name="activate"),
    path("aktivasi/<str:code>/", participant_views.activate, name="activate_with_code"),
    path("kantor/", include("office.urls")),
    path("pegawai/", include("participants.urls")),
    path("pegawai/profil-saya/", include("privacy.urls")),
    path("pelatihan/", include("trainings.urls")),
    path("tes/", include("assessments.urls")),
    path("evaluasi/", include("evaluations.urls")),
    path("sertifikat/", include("certificates.urls")),
    path("verify/", include("certificates.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Bookmarks of the admin from before the training models moved app; an admin page like the
    # rest, so whoever is not staff meets the admin's login first.
    path("admin/bimtek/", admin.site.admin_view(site_views.admin_moved_to_trainings)),
    path("admin/bimtek/<path:rest>", admin.site.admin_view(site_views.admin_moved_to_trainings)),
    path("admin/", admin.site.urls),
    path("healthz", site_views.healthz, name="healthz"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
