"""pengaduan.links: page addresses reversed once per process give what django.urls.reverse gives."""

import sys

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix
from django.utils import translation

from pengaduan.links import reverse_numbers

# A URL map of its own (ROOT_URLCONF is this module): the same name at another address.
urlpatterns = [path("", include(([path("elsewhere/<int:pk>/", lambda request, pk: HttpResponse(), name="complaint")],
                                 "workdesk")))]


@pytest.mark.parametrize("viewname, numbers", [
    ("workdesk:complaint", (1,)), ("workdesk:complaint", (123456789,)), ("portal:received", ()),
])
def test_an_address_is_the_one_reverse_gives(viewname, numbers):
    assert reverse_numbers(viewname, *numbers) == reverse(viewname, args=numbers)
    assert reverse_numbers(viewname, *numbers) == reverse(viewname, args=numbers)  # from what it kept


def test_the_address_follows_the_prefix_the_site_is_served_under():
    plain = reverse_numbers("workdesk:complaint", 7)
    try:
        set_script_prefix("/pengaduan-kota/")
        assert reverse_numbers("workdesk:complaint", 7) == "/pengaduan-kota" + plain
    finally:
        set_script_prefix("/")
    assert reverse_numbers("workdesk:complaint", 7) == plain


def test_the_address_follows_the_language_and_the_url_map():
    with translation.override("en"):
        assert reverse_numbers("workdesk:complaint", 8) == reverse("workdesk:complaint", args=[8])
    with override_settings(ROOT_URLCONF=sys.modules[__name__]):
        assert reverse_numbers("workdesk:complaint", 9) == "/elsewhere/9/"


def test_what_is_not_a_whole_number_gets_reverses_answer():
    with pytest.raises(NoReverseMatch):
        reverse_numbers("workdesk:complaint", None)
    with pytest.raises(NoReverseMatch):
        reverse_numbers("no-such-page")
