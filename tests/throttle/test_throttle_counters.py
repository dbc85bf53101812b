"""The database-backed rate limits: one counting statement, exact under concurrency, one window at a time."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from pengaduan.throttle import services as throttle
from pengaduan.throttle.models import ThrottleCounter

LIMIT = throttle.Limit("test", hits=3, window=timedelta(minutes=10))
NOW = datetime(2026, 11, 20, 3, 4, 5, tzinfo=UTC)


@pytest.mark.django_db
def test_it_allows_the_limit_and_refuses_the_next_attempt():
    assert [throttle.hit(LIMIT, "203.0.113.7", now=NOW) for _ in range(4)] == [True, True, True, False]
    assert throttle.used_up(LIMIT, "203.0.113.7", now=NOW)
    assert ThrottleCounter.objects.get().hits == 4


@pytest.mark.django_db
def test_it_counts_each_address_and_each_limit_apart():
    other = throttle.Limit("other", hits=1, window=LIMIT.window)
    for _ in range(3):
        throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    assert throttle.hit(LIMIT, "198.51.100.2", now=NOW)
    assert throttle.hit(other, "203.0.113.7", now=NOW)
    assert not throttle.used_up(LIMIT, "198.51.100.2", now=NOW)


@pytest.mark.django_db
def test_it_starts_afresh_in_the_next_window():
    for _ in range(4):
        throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    later = NOW + LIMIT.window
    assert not throttle.used_up(LIMIT, "203.0.113.7", now=later)
    assert throttle.hit(LIMIT, "203.0.113.7", now=later)
    # Both windows are stored at their (epoch-aligned) start, which the ORM reads back as written.
    assert sorted(ThrottleCounter.objects.values_list("window_start", "hits")) == [
        (datetime(2026, 11, 20, 3, 0, tzinfo=UTC), 4), (datetime(2026, 11, 20, 3, 10, tzinfo=UTC), 1),
    ]


@pytest.mark.django_db
def test_it_keeps_only_a_hash_of_the_address():
    throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    assert "203.0.113.7" not in ThrottleCounter.objects.get().key


@pytest.mark.django_db
def test_the_hash_of_the_address_is_keyed_with_the_current_secret_key(settings):
    throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    settings.SECRET_KEY = "another secret key for this test, long enough to be one"
    throttle.hit(LIMIT, "203.0.113.7", now=NOW)  # a key of its own: counted apart, not read from the last one
    assert sorted(ThrottleCounter.objects.values_list("hits", flat=True)) == [1, 1]


@pytest.mark.django_db
def test_it_counts_an_attempt_in_one_query(django_assert_num_queries):
    throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    with django_assert_num_queries(1):
        throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    with django_assert_num_queries(1):
        throttle.hit(LIMIT, "198.51.100.2", now=NOW)


@pytest.mark.django_db
def test_it_forgets_old_windows():
    throttle.hit(LIMIT, "203.0.113.7", now=NOW - timedelta(days=2))
    throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    assert throttle.forget_old(now=NOW) == 1
    assert ThrottleCounter.objects.get().hits == 1


@pytest.mark.django_db(transaction=True)
def test_it_counts_concurrent_attempts_exactly():
    workers, attempts = 4, 10
    start = threading.Barrier(workers)
    allowed, errors = [], []

    def worker():
        try:
            start.wait()
            allowed.extend(throttle.hit(LIMIT, "203.0.113.7", now=NOW) for _ in range(attempts))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert ThrottleCounter.objects.get().hits == workers * attempts
    assert allowed.count(True) == LIMIT.hits  # no attempt slipped through between two others


@pytest.mark.django_db
def test_an_attempt_counted_with_what_it_does_is_refused_by_the_database_when_one_too_many():
    """The counter's cap: the database refuses the count, so the statement can go with the others unanswered."""
    from django.db import transaction

    for _ in range(LIMIT.hits):
        with transaction.atomic():
            throttle.prepare_count(LIMIT, "203.0.113.7", now=NOW)()
    with pytest.raises(throttle.LimitReached), transaction.atomic():
        throttle.prepare_count(LIMIT, "203.0.113.7", now=NOW)()
    assert ThrottleCounter.objects.get().hits == LIMIT.hits
    # A plain hit counts on past the cap, and says no.
    assert not throttle.hit(LIMIT, "203.0.113.7", now=NOW)
    assert ThrottleCounter.objects.get().hits == LIMIT.hits + 1
