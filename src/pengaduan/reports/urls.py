from django.urls import path

from pengaduan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("buku-pengaduan/", views.register, name="register"),
    path("kepatuhan-sop/", views.compliance, name="compliance"),
    path("berkala/", views.periodic, name="periodic"),
    path("berkala/arsip/", views.archive, name="archive"),
    path("berkala/arsip/<int:pk>/", views.archive_download, name="archive_download"),
    path("bukti/", views.evidence, name="evidence"),
]
