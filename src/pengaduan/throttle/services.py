"""Fixed-window rate limits for public forms and look-ups, without outside services.

The counter lives in the database so that limits hold across several app servers and restarts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pengaduan import inserts
from pengaduan.throttle.models import CAP_CONSTRAINT, ThrottleCounter
from pengaduan.units import stamps


@dataclass(frozen=True)
class Limit:
    name: str
    hits: int
    window: timedelta


SUBMIT = Limit("submit", hits=5, window=timedelta(hours=1))
LOOKUP = Limit("lookup", hits=30, window=timedelta(minutes=10))
REPLY = Limit("reply", hits=10, window=timedelta(hours=1))
# The verification page of issued documents: as the tracking look-up (codes must not be guessable by trying).
VERIFY = Limit("verify", hits=30, window=timedelta(minutes=10))


def client_ip(request) -> str:
    # Behind a reverse proxy the deploy sets the real address into REMOTE_ADDR (see docs/deploy.md).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _window_start(now: datetime, window: timedelta) -> datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _key(limit: Limit, who: str) -> str:
    return f"{limit.name}:{_keyed_hash(who, settings.SECRET_KEY)}"


@lru_cache(maxsize=4096)
def _keyed_hash(who: str, secret: str) -> str:
    # The IP address (or user name) itself is personal data; the counter keeps only a keyed hash of it (HMAC with
    # the SECRET_KEY): a plain hash of an IPv4 address is reversed by hashing all 2**32 of them. Kept for the
    # addresses seen last: a public POST asks it twice (the read before, the count in its transaction).
    return salted_hmac("pengaduan.throttle", who, secret=secret, algorithm="sha256").hexdigest()[:32]


_statements: dict[tuple[str, str], str] = {}  # (statement, database vendor) -> its SQL


def _read_sql(connection) -> str:
    """One indexed read (the unique key), asked on every public POST: written out once, not built by the ORM."""
    sql = _statements.get(("read", connection.vendor))
    if sql is None:
        meta = ThrottleCounter._meta
        quote = connection.ops.quote_name
        sql = _statements["read", connection.vendor] = (
            f"SELECT {quote(meta.get_field('hits').column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.get_field('key').column)} = %s AND {quote(meta.get_field('window_start').column)} = %s")
    return sql


def used_up(limit: Limit, who: str, *, now: datetime | None = None) -> bool:
    """Whether `who` has used up the current window, without counting an attempt."""
    now = now or timezone.now()
    alias = router.db_for_read(ThrottleCounter)
    connection = connections[alias]
    sql = _read_sql(connection)
    start = connection.ops.adapt_datetimefield_value(_window_start(now, limit.window))
    # Asked first in a request: on PostgreSQL the request's stamps come in the same round trip.
    found = stamps.read_along(sql, [_key(limit, who), start], alias=alias)
    return (found[0][0] if found else 0) >= limit.hits


def _upsert_sql(connection) -> str:
    """One statement that counts an attempt and returns the new count (SQLite >= 3.35 and PostgreSQL); the
    counter takes the cap given with it (NULL: none)."""
    sql = _statements.get(("upsert", connection.vendor))
    if sql is None:
        sql = _statements["upsert", connection.vendor] = _written_upsert_sql(connection)
    return sql


def _written_upsert_sql(connection) -> str:
    meta = ThrottleCounter._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    key, window_start, hits, cap = (quote(meta.get_field(name).column)
                                    for name in ("key", "window_start", "hits", "cap"))
    # The conflict target is the unique constraint portal_throttlecounter_unique_window.
    return (
        f"INSERT INTO {table} ({key}, {window_start}, {hits}, {cap}) VALUES (%s, %s, 1, %s) "
        f"ON CONFLICT ({key}, {window_start}) DO UPDATE SET {hits} = {table}.{hits} + 1, {cap} = excluded.{cap} "
        f"RETURNING {hits}"
    )


def hit(limit: Limit, who: str, *, now: datetime | None = None) -> bool:
    """Count one attempt by `who`; False when the limit for the current window is already used up.

    A single upsert, so it costs one round trip and concurrent attempts are each counted exactly once
    (the database serialises them on the counter's row).
    """
    alias, sql, params = _hit_statement(limit, who, now=now)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        (hits,) = cursor.fetchone()
    return hits <= limit.hits


def _hit_statement(limit: Limit, who: str, *, now: datetime | None = None,
                   cap: int | None = None) -> tuple[str, str, list]:
    now = now or timezone.now()
    alias = router.db_for_write(ThrottleCounter)
    connection = connections[alias]
    return alias, _upsert_sql(connection), [
        _key(limit, who), connection.ops.adapt_datetimefield_value(_window_start(now, limit.window)), cap]


class LimitReached(Exception):
    """Raised by `prepare_count`'s function inside a transaction when the attempt is one too many: the
    transaction rolls back."""


def prepare_count(limit: Limit, who: str, *, now: datetime | None = None) -> Callable[[], None]:
    """`hit` for an attempt counted inside the transaction of what it does (the portal's complaint), its
    statement made now: the function returned counts, and raises LimitReached when the attempt is one too many,
    so that nothing of a refused attempt is kept.

    The database refuses the count that would pass the limit (the counter's cap, a check constraint), not this
    code once the count has come back: so the statement needs no answer, and inserts.write_together can send it
    with the transaction's others, BEGIN and COMMIT left out."""
    alias, sql, params = _hit_statement(limit, who, now=now, cap=limit.hits)

    def over_the_cap(error: Exception) -> Exception | None:
        return LimitReached(limit.name) if CAP_CONSTRAINT in str(error) else None

    @inserts.statements_only
    def run() -> None:
        inserts.execute(sql, params, alias=alias, refused=over_the_cap)

    return run


def forget_old(*, now: datetime | None = None, older_than: timedelta = timedelta(days=1)) -> int:
    now = now or timezone.now()
    deleted, _ = ThrottleCounter.objects.filter(window_start__lt=now - older_than).delete()
    return deleted
