"""What the layers do at the start and end of every request runs from one receiver of each of Django's signals."""

import pytest
from django.core.signals import request_finished, request_started

from pengaduan import inserts, request_cycle
from pengaduan.units import stamps


@pytest.fixture
def calls():
    seen = []
    names = ("test-first", "test-second")
    yield seen
    for name in names:
        request_cycle.forget(name)


def test_each_registered_function_runs_once_per_request_in_the_order_registered(client, db, calls):
    request_cycle.at_start("test-first", lambda: calls.append("start 1"))
    request_cycle.at_finish("test-first", lambda: calls.append("finish 1"))
    request_cycle.at_start("test-second", lambda: calls.append("start 2"))
    request_cycle.at_finish("test-second", lambda: calls.append("finish 2"))
    assert client.get("/healthz").status_code == 200
    assert calls == ["start 1", "start 2", "finish 1", "finish 2"]


def test_registering_a_name_again_replaces_it_in_its_place_and_forget_removes_it(calls):
    request_cycle.at_finish("test-first", lambda: calls.append("old"))
    request_cycle.at_finish("test-second", lambda: calls.append("second"))
    request_cycle.at_finish("test-first", lambda: calls.append("new"))
    request_cycle._finished(signal=request_finished, sender=None)
    assert calls[-2:] == ["new", "second"]
    request_cycle.forget("test-first")
    request_cycle._finished(signal=request_finished, sender=None)
    assert calls[-3:] == ["new", "second", "second"] and request_cycle.registered("test-first") == (None, None)


def test_djangos_signals_have_one_receiver_of_ours_each():
    """The layers' functions are registered here, not connected to the signals one by one."""
    ours = [receiver for signal in (request_started, request_finished) for (key, _sender), receiver, *_rest
            in signal.receivers if isinstance(key, str)]
    assert len(ours) == 2
    assert request_cycle.registered("inserts") == (inserts.forget_along, inserts.forget_along)
    assert request_cycle.registered("stamps") == (stamps._request_started, stamps._request_finished)
    assert request_cycle.registered("similar-case index")[1] is not None


def test_what_waits_to_go_along_is_dropped_when_a_request_starts_and_ends():
    inserts._held("keys")["a key"] = [1, 2]
    request_cycle._started(signal=request_started, sender=None)
    assert inserts._held("keys") == {}
    inserts._held("rows")["read ahead"] = [(1,)]
    request_cycle._finished(signal=request_finished, sender=None)
    assert inserts._held("rows") == {}
