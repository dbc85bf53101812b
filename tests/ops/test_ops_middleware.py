"""The middleware's cheap paths keep the behaviour of the ones they replace."""

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.utils.functional import empty

from pengaduan.middleware import LazyMessageMiddleware

pytestmark = pytest.mark.django_db


def _stack(view):
    return SessionMiddleware(LazyMessageMiddleware(view))


def test_it_makes_no_message_storage_for_a_request_that_has_no_message(rf):
    request = rf.get("/")
    response = _stack(lambda request: HttpResponse("ok"))(request)
    assert request._messages._wrapped is empty
    assert "messages" not in response.cookies


def test_it_keeps_a_message_for_the_next_page_and_shows_it_once(rf):
    def adds(request):
        messages.success(request, "Pengaduan diteruskan.")
        return HttpResponse("ok")

    def shows(request):
        return HttpResponse(" | ".join(str(message) for message in get_messages(request)))

    first = _stack(adds)(rf.get("/"))
    stored = first.cookies["messages"].value
    second = rf.get("/")
    second.COOKIES["messages"] = stored
    answer = _stack(shows)(second)
    assert answer.content.decode() == "Pengaduan diteruskan."
    assert answer.cookies["messages"].value == ""  # read once: the cookie is removed


def test_it_is_still_the_message_middleware_the_admin_requires():
    from django.contrib.admin.checks import _contains_subclass
    from django.conf import settings

    assert _contains_subclass("django.contrib.messages.middleware.MessageMiddleware", settings.MIDDLEWARE)
