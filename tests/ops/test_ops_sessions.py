"""The session store (pengaduan.ops.sessions): Django's database sessions, less the statements that change nothing."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pengaduan.ops import sessions
from pengaduan.ops.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_creates_a_session_with_one_insert_and_no_look_up():
    store = SessionStore()
    store["code"] = "hash"
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert [q["sql"].split()[0] for q in queries] == ["INSERT"]
    assert SessionStore(store.session_key)["code"] == "hash"


def test_it_draws_another_key_when_the_drawn_one_is_taken(monkeypatch):
    taken = SessionStore()
    taken["who"] = "first"
    taken.save()
    keys = iter([taken.session_key, "x" * 32])
    monkeypatch.setattr(sessions, "random_string", lambda *args: next(keys))
    store = SessionStore()
    store["who"] = "second"
    store.save()
    assert store.session_key == "x" * 32
    assert SessionStore(taken.session_key)["who"] == "first" and Session.objects.count() == 2


def test_it_gives_a_new_key_and_drops_the_old_row_on_cycle_key():
    store = SessionStore()
    store["code"] = "hash"
    store.save()
    old = store.session_key
    store.cycle_key()
    store.save()
    assert store.session_key != old and not Session.objects.filter(session_key=old).exists()
    assert SessionStore(store.session_key)["code"] == "hash"
