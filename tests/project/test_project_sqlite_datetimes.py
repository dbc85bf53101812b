"""SQLite: the backend's quicker way of storing the usual datetime (aware, in UTC) stores what Django's does."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone as django_timezone

from pengaduan.sqlite_backend import base as sqlite_backend

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend's own operations")


@pytest.mark.parametrize("value", [
    django_timezone.now(),
    datetime(2026, 12, 5, 3, 4, 5, 678901, tzinfo=UTC),
    datetime(2026, 12, 5, 3, 4, 5, tzinfo=UTC),  # no microseconds: written without them, as str() does
    datetime(2026, 12, 5, 10, 4, 5, tzinfo=ZoneInfo("Asia/Jakarta")),
    datetime(2026, 12, 5, 10, 4, 5, tzinfo=timezone(timedelta(hours=7))),
    datetime(2026, 12, 5, 3, 4, 5, tzinfo=ZoneInfo("UTC")),
    None,
])
def test_a_datetime_is_stored_as_djangos_backend_stores_it(value):
    djangos = sqlite_backend.operations.DatabaseOperations(connection).adapt_datetimefield_value(value)
    assert connection.ops.adapt_datetimefield_value(value) == djangos


def test_an_aware_datetime_without_time_zone_support_is_refused_as_django_refuses_it(settings):
    settings.USE_TZ = False  # the fixture puts it back, and Django forgets the connection's time zone each time
    with pytest.raises(ValueError, match="does not support timezone-aware datetimes"):
        connection.ops.adapt_datetimefield_value(datetime(2026, 12, 5, tzinfo=UTC))
