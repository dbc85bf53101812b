from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pengaduan.reports.views import public_statistics
from pengaduan.workdesk.login import AdminLoginForm, ThrottledLoginView

admin.site.site_header = admin.site.site_title = "Pengaduan"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("masuk/", ThrottledLoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("kerja/", include("pengaduan.workdesk.urls")),
    path("laporan/", include("pengaduan.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("pengaduan.api.urls")),
    path("open311/v2/", include("pengaduan.api.open311.urls")),
    path("webhooks/", include("pengaduan.webhooks.urls")),
    path("", include("pengaduan.ops.urls")),
    path("statistik/", include("pengaduan.reports.public_urls")),
    # One unit's public statistics, beside its page on the portal (/unit/CODE/); the same view as /statistik/?unit=.
    path("unit/<str:code>/statistik/", public_statistics, name="unit_statistics"),
    path("", include("pengaduan.portal.urls")),
]

