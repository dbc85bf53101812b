"""/statistik/: counts for everyone, without login and without personal data."""

import pytest
import time_machine
from django.core.cache import cache
from django.urls import include, path

from factories import wib

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def __getattr__(name):
    """This module is the URLconf of its tests: the project's, with /statistik/ mounted as urls.py mounts it.
    Built on first use (PEP 562), so collecting the tests does not import every app's URLs."""
    if name != "urlpatterns":
        raise AttributeError(name)
    import pengaduan.urls

    return [path("statistik/", include("pengaduan.reports.public_urls")), *pengaduan.urls.urlpatterns]


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    with time_machine.travel(wib(2026, 12, 31, 12, 0), tick=False):
        yield
    cache.clear()


def test_it_shows_the_year_without_login(client, data_set):
    page = client.get("/statistik/", HTTP_COOKIE="django_language=en")
    assert page.status_code == 200
    stats = page.context["stats"]
    assert (stats.year, stats.received, stats.answers.answered) == (2026, 5, 3)
    assert "100.0 %" in page.text and "2.7" in page.text  # within the SOP; 8/3 working days
    assert "Pungutan liar" in page.text and page.text.count("<svg") == 2


def test_it_publishes_no_personal_data(client, data_set):
    text = client.get("/statistik/").text
    for private in ("Siti Aminah", "Budi Santoso", "Rahmat", "Wati", "Pungutan liar pada pengurusan KTP",
                    "0001/PGD/INSP/2026", "Kelurahan Manguharjo"):
        assert private not in text


def test_it_shows_an_earlier_year_and_never_a_future_one(client, data_set):
    assert client.get("/statistik/", {"tahun": "2025"}).context["stats"].received == 0
    assert client.get("/statistik/", {"tahun": "2031"}).context["stats"].year == 2026
    assert client.get("/statistik/", {"tahun": "x"}).context["stats"].year == 2026
