"""Per-process caches of what changes rarely, kept right on several app servers by one small read per request.

The public intake reads the triage unit, the units a citizen may choose, the current SOP, the calendar, the
message templates and the performers of the first step: six reads of rows that change a few times a year. Each
kind has a Stamp row whose value changes with every change of its rows, in the changing transaction (model
signals, and `bump` in the services that write in bulk). A cache keeps what it built under the stamps it was
built with; `current` reads every stamp in one statement, once per request (the memo lives from Django's
request_started to request_finished; outside a request, e.g. in a job, every call reads). The first read of a
request can take the stamps along (`read_along`: the public forms' rate limit), in the same message on PostgreSQL.

A change is seen by every app server at its next request. A change rolled back leaves the old stamps: what was
built from the uncommitted rows stays under a value that never becomes current.

Writes that send no model signal (QuerySet.update(), bulk_create(), raw SQL) change no stamp by themselves: code
that changes these rows that way must call `bump` in the same transaction (as sop.services, units.onboarding and
workcalendar.services do). Migrations run before the servers restart, so their data changes need nothing.
"""

import threading
import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.db import connections, router

from pengaduan import inserts, request_cycle
from pengaduan.units.models import Stamp

UNITS = "units"
ROLES = "roles"
SOP = "sop"
CALENDAR = "calendar"
TEMPLATES = "templates"
PERMISSIONS = "permissions"  # Django's permissions and groups, and who holds them
ALL = (UNITS, ROLES, SOP, CALENDAR, TEMPLATES, PERMISSIONS)

_local = threading.local()
_caches: list["StampedCache"] = []


def current(name: str) -> str:
    """The stamp of `name` ("" before its first change)."""
    memo = getattr(_local, "stamps", None)
    if memo is None:
        memo = _read_stamps()
        if getattr(_local, "in_request", False):
            _local.stamps = memo
    return memo.get(name, "")


def _read_stamps() -> dict[str, str]:
    alias = router.db_for_read(Stamp)
    return dict(inserts.query(_stamps_sql(alias), [], alias=alias))


def _stamps_sql(alias: str) -> str:
    """Every stamp, in one plain statement: through a QuerySet this read, made by nearly every request, cost six
    times as much CPU (85 against 13 microseconds on the benchmark machine)."""
    quote = connections[alias].ops.quote_name
    meta = Stamp._meta
    return (f"SELECT {quote(meta.get_field('name').column)}, {quote(meta.get_field('value').column)} "
            f"FROM {quote(meta.db_table)}")


def read_along(sql: str, params: Sequence, *, alias: str) -> list[tuple]:
    """The rows of a read made early in a request (e.g. a rate limit's counter). On PostgreSQL, when the request
    has not read the stamps yet, they go with it in one message: a round trip fewer for a request that reads
    them anyway. SQLite has no round trip to save: the stamps are read when first needed, if ever."""
    if (getattr(_local, "stamps", None) is None and getattr(_local, "in_request", False)
            and alias == router.db_for_read(Stamp)):
        inserts.send_along(_stamps_sql(alias), [], _keep_stamps, alias=alias)
    return inserts.query(sql, params, alias=alias)


def _keep_stamps(rows: list[tuple]) -> None:
    _local.stamps = dict(rows)


def bump(*names: str) -> None:
    """Every app server's caches of `names` are stale (call inside the transaction that changes the rows)."""
    for name in names:
        Stamp.objects.update_or_create(name=name, defaults={"value": uuid.uuid4().hex})
    _local.stamps = None  # this request sees its own change at once


def bumper(*names: str) -> Callable[..., None]:
    """A signal receiver that bumps `names`."""
    def receiver(**kwargs):
        bump(*names)
    return receiver


class StampedCache:
    """Values built once per process for a key and the current stamps of `names`; small (it is cleared when
    full: a few units, roles and templates per Pemda)."""

    def __init__(self, *names: str, max_entries: int = 256):
        self.names = names
        self.max_entries = max_entries
        self._values: dict[tuple, Any] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        full_key = (key, *(current(name) for name in self.names))
        try:
            return self._values[full_key]
        except KeyError:
            pass
        value = build()
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[full_key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_caches() -> None:
    """Forget every cached value in this process (tests: a rolled-back test leaves stamps that come back)."""
    for cache in _caches:
        cache.clear()
    _local.stamps = None


def _request_started(**kwargs) -> None:
    _local.in_request = True
    _local.stamps = None


def _request_finished(**kwargs) -> None:
    _local.in_request = False
    _local.stamps = None


def _user_saved(update_fields=None, **kwargs) -> None:
    # A login writes last_login only: not a change of who receives what.
    if update_fields is None or set(update_fields) - {"last_login"}:
        bump(ROLES)


def _permissions_changed(action: str = "", **kwargs) -> None:
    if action.startswith("post_"):
        bump(PERMISSIONS)


def connect() -> None:
    """Wire the stamps to the request cycle and to the rows of this layer (UnitsConfig.ready); the layers above
    connect their own rows (sop, workcalendar, notifications)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from pengaduan.units.models import Membership, Unit

    request_cycle.at_start("stamps", _request_started)
    request_cycle.at_finish("stamps", _request_finished)
    for model, names in ((Unit, (UNITS, ROLES)), (Membership, (ROLES,))):
        post_save.connect(bumper(*names), sender=model, weak=False, dispatch_uid=f"stamps_save_{model.__name__}")
        post_delete.connect(bumper(*names), sender=model, weak=False,
                            dispatch_uid=f"stamps_delete_{model.__name__}")
    user = get_user_model()
    post_save.connect(_user_saved, sender=user, dispatch_uid="stamps_save_user")
    post_delete.connect(bumper(ROLES), sender=user, weak=False, dispatch_uid="stamps_delete_user")
    for model in (Group, Permission):
        post_save.connect(bumper(PERMISSIONS), sender=model, weak=False, dispatch_uid=f"stamps_save_{model.__name__}")
        post_delete.connect(bumper(PERMISSIONS), sender=model, weak=False,
                            dispatch_uid=f"stamps_delete_{model.__name__}")
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_permissions_changed, sender=through, dispatch_uid=f"stamps_m2m_{through.__name__}")
