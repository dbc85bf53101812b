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


def _session_stack(view):
    from pengaduan.middleware import LazySessionMiddleware

    return LazySessionMiddleware(view)


def test_it_makes_no_session_store_for_a_request_without_session_that_uses_none(rf):
    request = rf.get("/")
    response = _session_stack(lambda request: HttpResponse("ok"))(request)
    assert request.session._wrapped is empty
    assert not response.cookies and not response.has_header("Vary")


def test_it_starts_a_session_when_a_view_writes_one_and_keeps_it_on_the_next_request(rf, settings):
    def writes(request):
        request.session["tracked"] = "ABCDE"
        return HttpResponse("ok")

    first = _session_stack(writes)(rf.get("/"))
    key = first.cookies[settings.SESSION_COOKIE_NAME].value
    assert key and "Cookie" in first["Vary"]

    def reads(request):
        return HttpResponse(request.session.get("tracked", "-"))

    second = rf.get("/")
    second.COOKIES[settings.SESSION_COOKIE_NAME] = key
    answer = _session_stack(reads)(second)
    assert answer.content == b"ABCDE" and "Cookie" in answer["Vary"]


def test_it_varies_on_the_cookie_when_a_view_only_reads_the_session(rf):
    response = _session_stack(lambda request: HttpResponse(request.session.get("x", "-")))(rf.get("/"))
    assert response["Vary"] == "Cookie" and not response.cookies


def test_it_still_deletes_a_session_cookie_that_leads_nowhere(rf, settings):
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "short"  # not a valid key: Django's middleware deletes it
    response = _session_stack(lambda request: HttpResponse("ok"))(request)
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""


def test_it_is_still_the_session_middleware_the_admin_and_the_login_require():
    from django.contrib.admin.checks import _contains_subclass
    from django.conf import settings

    assert _contains_subclass("django.contrib.sessions.middleware.SessionMiddleware", settings.MIDDLEWARE)
