"""The public statistics page, mounted at /statistik/ by the project's urls.py (no login)."""

from django.urls import path

from pengaduan.reports import views

app_name = "statistics"

urlpatterns = [
    path("", views.public_statistics, name="public"),
]
