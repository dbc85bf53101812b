"""New rows inserted with their SQL built once per process, and their values ready before the transaction: the
public intake's write transaction.

A public complaint inserts ten rows. Through Model.save() and QuerySet.bulk_create() each of them builds an
InsertQuery and compiles it again (quoting every column, walking every field), which cost a quarter of the
intake's CPU (bench/profile_intake.py). `insert_new` writes the same rows with one statement per model and
batch size, compiled once: the values come from the same field methods the ORM uses (pre_save for
auto_now_add, get_db_prep_save), foreign keys are taken from related objects saved just before (as save()
does), and the primary keys come back with RETURNING.

`prepare_insert` splits that in two, so that on SQLite the database's one write lock is held only while the
statements run: everything is computed before the transaction, and `run()` inside it fills in only what the
inserts before it give (the ids of related rows saved in the same transaction, and `texts`: placeholders in the
values replaced by what is known only then, e.g. a complaint's number).

On PostgreSQL the statements of a write transaction can go to the server in one message (`sent_together`): each
statement sent alone costs a round trip, and the server and the application each spend more CPU on the round
trips of the intake's dozen inserts than on the inserts themselves (bench/profile_intake.py on PostgreSQL). The rows
of one transaction that others refer to get their keys first (`reserve_keys`, one query for all), so that no
statement waits for the key of the one before it. `write_together` goes one step further where every write is
nothing but such statements: no BEGIN and no COMMIT either, since PostgreSQL runs the statements of one message as
one transaction (two round trips of the public intake's six). Reads go together too (`query_together`), and a
read that can wait goes with the request's next one (`send_along`): the keys (`reserve_keys_ahead`), the caches'
stamps and the opt-outs go with the public POST's rate-limit read, which leaves it two round trips in all.

On SQLite `execute` and `query` hand the statement straight to the sqlite3 connection (`execute_untraced` of the
project's backend, pengaduan.sqlite_backend), unless something traces the connection's statements: through
Django's cursor wrappers they cost more than the inserts, and the write lock is held meanwhile.

What it does not do, as bulk_create does not: send pre_save/post_save signals or run a model's save(). Use it
only for models whose save() adds nothing for a new row; tests/project/test_project_inserts.py checks that a row
written here reads back equal to the same row written by save().
"""

import json
import logging
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db import models
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin
from django.db.models.fields.related import ForeignObjectRel
from django.db.models.signals import post_init, pre_init
from django.db.transaction import TransactionManagementError

from pengaduan import request_cycle

logger = logging.getLogger(__name__)

_statements: dict[tuple, tuple[str, list, list, list]] = {}
_lock = threading.Lock()
MAX_ROWS = 100  # a statement per batch size is cached: the intake's batches are a few rows
PLACEHOLDER_MARK = "\ue000"  # starts and ends a placeholder for `texts` (a private-use character)


def insert_new(objs: Sequence[Model]) -> None:
    """INSERT the new instances `objs` (all of one model, none saved yet) in one statement; sets their primary
    keys and marks them saved. Falls back to bulk_create for what the fast path does not cover (a field with its
    own SQL placeholder, database defaults to read back, a database without RETURNING)."""
    if objs:
        prepare_insert(objs).run()


def new(model: type[Model], **values) -> Model:
    """A new instance of `model`, as model(**values) makes it, for the rows of the public intake: Model.__init__
    walks every field and sets each related object through its descriptor, 0.07 ms for the intake's nine rows
    (3 % of a public POST's CPU, bench/profile_intake.py); this sets the same attributes directly. It takes field
    names and attnames only: anything else (a property, a one-to-one relation, a model with pre_init or post_init
    receivers, several databases or a router) goes to model(**values)."""
    spec = _constructors.get(model)
    if spec is None:
        spec = _constructors[model] = _constructor(model)
    fields, names = spec
    if not names.issuperset(values) or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    obj = model.__new__(model)
    state = obj._state = ModelState()
    attributes = obj.__dict__
    for name, attname, related_model, target, default, factory in fields:
        if related_model is not None and name in values:
            related = values[name]
            if related is None:
                attributes[attname] = None
            elif isinstance(related, related_model):
                # As the relation's descriptor does: the instance and the related one belong to one database.
                state.db = DEFAULT_DB_ALIAS
                related._state.db = related._state.db or DEFAULT_DB_ALIAS
                attributes[attname] = getattr(related, target)
            else:
                return model(**values)  # its error
            state.fields_cache[name] = related
        elif attname in values:
            attributes[attname] = values[attname]
        else:
            attributes[attname] = default if factory is None else factory()
    return obj


_constructors: dict[type[Model], tuple[list[tuple], frozenset[str]]] = {}


def _constructor(model: type[Model]) -> tuple[list[tuple], frozenset[str]]:
    """Each concrete field's name, attname, related model and its key's attname, default and default factory;
    and the names `new` takes (none where it always leaves the work to Model.__init__)."""
    fields = []
    names = set()
    for field in model._meta.concrete_fields:
        if field.generated:
            continue
        related_model = target = None
        taken = True
        if isinstance(field.remote_field, ForeignObjectRel):
            related_model, target = field.related_model, field.target_field.attname
            # A one-to-one sets the reverse side too, a composite relation several columns: Model.__init__.
            taken = not field.one_to_one and len(field.related_fields) == 1
        if field.has_default():
            default, factory = (None, field.default) if callable(field.default) else (field.default, None)
        else:
            # Field._get_default: None where an empty string is not a value, else "".
            default, factory = (None if field.null or not field.empty_strings_allowed else ""), None
        fields.append((field.name, field.attname, related_model, target, default, factory))
        if taken:
            names |= {field.name, field.attname}
    if (settings.DATABASE_ROUTERS or len(settings.DATABASES) > 1
            or any(field.has_db_default() for field in model._meta.concrete_fields)):
        names = set()  # the database's choice of instance, or a default it computes: Model.__init__
    return fields, frozenset(names)


class PreparedInsert:
    """The INSERT of new rows with their values computed: `run()` executes it (inside the transaction)."""

    def __init__(self, objs: Sequence[Model], *, with_texts: bool = False):
        self.objs = list(objs)
        self.with_texts = with_texts
        model = type(self.objs[0])
        self.alias = router.db_for_write(model, instance=self.objs[0])
        connection = connections[self.alias]
        # Foreign keys to rows not saved yet (inserted before this one, in the same transaction): filled by run().
        self.late: list[tuple[int, Model, object]] = []
        self.texts_at: list[tuple[int, Model, object]] = []  # values with a placeholder for run(texts=...)
        # A primary key that is a relation (a one-to-one row of another) is given, late if need be, never made.
        with_pk = self.objs[0].pk is not None or model._meta.pk.is_relation
        compiled = _statement(model, self.alias, len(self.objs), with_pk)
        if compiled is None:
            self.sql = None
            return
        self.sql, fields, self.returning, plain = compiled
        self.fields = fields
        self.params = []
        adapt_datetime = connection.ops.adapt_datetimefield_value
        for obj in self.objs:
            for field, types in zip(fields, plain):
                if types:
                    # A value already of the column's type (the usual case): what get_db_prep_save would give.
                    value = getattr(obj, field.attname)
                    kind = type(value)
                    if value is None or kind in types and (kind is not datetime or value.tzinfo is not None):
                        if with_texts and kind is str and PLACEHOLDER_MARK in value:
                            self.texts_at.append((len(self.params), obj, field))
                        self.params.append(adapt_datetime(value) if kind is datetime else value)
                        continue
                if field.is_relation and field.is_cached(obj):
                    related = field.get_cached_value(obj)
                    if related is not None and related.pk is None:
                        self.late.append((len(self.params), obj, field))
                        self.params.append(None)
                        continue
                    if related is not None and getattr(obj, field.attname) != related.pk:
                        setattr(obj, field.attname, related.pk)  # as save(): the related object's id
                value = field.pre_save(obj, True)
                if with_texts and _has_placeholder(field, value):
                    self.texts_at.append((len(self.params), obj, field))
                self.params.append(field.get_db_prep_save(value, connection))

    def run(self, texts: Mapping[str, str | int] | None = None) -> None:
        """INSERT the rows. `texts` (prepared `with_texts`): {placeholder: value} replaced in every text value
        (and in JSON values, as JSON), e.g. a message's link to a complaint whose id the insert before gave; each
        placeholder starts and ends with PLACEHOLDER_MARK."""
        if self.sql is None:
            for obj in self.objs:
                obj._prepare_related_fields_for_save(operation_name="insert_new")
            type(self.objs[0])._default_manager.using(self.alias).bulk_create(self.objs)
            return
        params = self.params
        for index, obj, field in self.late:
            related = field.get_cached_value(obj)
            if related.pk is None:
                _send_queued(self.alias)  # the related row may be queued, its key to come back with it
            if related.pk is None:
                raise ValueError(f"insert_new() prohibited to prevent data loss due to unsaved related object "
                                 f"'{field.name}'.")
            setattr(obj, field.attname, related.pk)
            params[index] = related.pk
        if texts:
            if not self.with_texts:
                raise ValueError("texts need an insert prepared with_texts=True")
            self._replace(texts)
        sql, returning = self.sql, self.returning
        if returning and all(obj.pk is not None for obj in self.objs):
            sql, params = self._with_keys(params)  # keys given since it was prepared (reserve_keys)
            returning = []
        for obj in self.objs:
            obj._state.adding = False
            obj._state.db = self.alias

        def keys_back(cursor) -> None:
            for obj, row in zip(self.objs, cursor.fetchall()):
                setattr(obj, returning[0].attname, row[0])

        execute(sql, params, alias=self.alias, result=keys_back if returning else None)

    def _with_keys(self, params: list) -> tuple[str, list]:
        """The statement that gives the rows' primary keys, and its values: each row's key in its place."""
        model = type(self.objs[0])
        sql, fields, _returning, _plain = _statement(model, self.alias, len(self.objs), True)
        at = fields.index(model._meta.pk)
        width = len(fields) - 1
        keyed = []
        for row, obj in enumerate(self.objs):
            values = params[row * width:(row + 1) * width]
            keyed += [*values[:at], obj.pk, *values[at:]]
        return sql, keyed

    def _replace(self, texts: Mapping[str, str | int]) -> None:
        """The placeholders in the values replaced, and the instances given the values stored. In a JSON value a
        placeholder that is a whole string becomes the value as JSON (a number stays a number)."""
        connection = connections[self.alias]
        whole = {json.dumps(key): json.dumps(value) for key, value in texts.items()}
        inner = {json.dumps(key)[1:-1]: json.dumps(str(value))[1:-1] for key, value in texts.items()}
        for index, obj, field in self.texts_at:
            value = getattr(obj, field.attname)
            if field.get_internal_type() == "JSONField":
                encoded = json.dumps(value)
                for replacements in (whole, inner):
                    for key, replacement in replacements.items():
                        encoded = encoded.replace(key, replacement)
                value = json.loads(encoded)
            else:
                for key, replacement in texts.items():
                    value = value.replace(key, str(replacement))
                value = value[:field.max_length] if field.max_length else value
            setattr(obj, field.attname, value)
            self.params[index] = field.get_db_prep_save(value, connection)


def _has_placeholder(field, value) -> bool:
    if isinstance(value, str):
        return PLACEHOLDER_MARK in value
    if value is not None and field.get_internal_type() == "JSONField":
        return PLACEHOLDER_MARK in json.dumps(value, ensure_ascii=False)
    return False


# Fields whose get_db_prep_save passes a value of these types through unchanged, and whose pre_save reads the
# attribute (Django's own classes, not subclasses, which may override either). Aware datetimes are passed through
# the backend's adapter, as DateTimeField does; a naive one takes the field's path (its warning). Relations
# always take the general path (a related row inserted just before gives its id late).
_PLAIN = {
    models.CharField: (str,), models.TextField: (str,), models.EmailField: (str,), models.SlugField: (str,),
    models.BooleanField: (bool,), models.IntegerField: (int,), models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,), models.SmallIntegerField: (int,), models.BigIntegerField: (int,),
}


def _plain_types(field) -> tuple[type, ...]:
    if type(field) is models.DateTimeField and not (field.auto_now or field.auto_now_add):
        return (datetime,)
    return _PLAIN.get(type(field), ())


def prepare_insert(objs: Sequence[Model], *, with_texts: bool = False) -> PreparedInsert:
    """The INSERT of the new instances `objs` (all of one model), computed now and run later (`run()`), in the
    transaction: for the values of rows whose related rows are inserted just before them. `with_texts`: their
    values hold placeholders for run(texts=...), looked for now (every JSON value is encoded once more for it)."""
    return PreparedInsert(objs, with_texts=with_texts)


# -- statements sent together ----------------------------------------------------------------------------------

STATEMENT_SEPARATOR = ";\n"  # between statements sent together (pengaduan.ops.sqltrace counts them apart)
_queues = threading.local()  # alias -> the statements waiting in this thread's sent_together()


def can_send_together(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this database takes several statements in one message and gives back each one's result:
    PostgreSQL with client-side binding (Django's default; server-side binding takes one statement at a time).
    SQLite runs in the process: there is no round trip to save."""
    connection = connections[alias]
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get("server_side_binding")


def _queue(alias: str) -> "_Queue | None":
    return getattr(_queues, alias, None)


def _send_queued(alias: str) -> None:
    queue = _queue(alias)
    if queue is not None:
        if queue.alone:
            raise TransactionManagementError(
                "write_together(): a write marked statements_only needed a statement's result before the end.")
        queue.send()


@contextmanager
def sent_together(alias: str = DEFAULT_DB_ALIAS):
    """Inside a transaction: the statements given to `execute` (and the inserts' run()) inside the block go to the
    database together, in one message, when it ends (each one's result handed to its `result` in order; an
    exception from one rolls the transaction back). Any other statement meanwhile (the ORM's) first sends those
    waiting, so that the order of the writes is kept. Where the database cannot take them together (SQLite), and
    inside another such block, each statement runs as it comes."""
    connection = connections[alias]
    if not can_send_together(alias) or _queue(alias) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError("sent_together() needs a transaction: what is queued is sent at its end.")
    queue = _Queue(alias)
    setattr(_queues, alias, queue)
    try:
        with connection.execute_wrapper(queue.before_other):
            yield
            queue.send()
    finally:
        setattr(_queues, alias, None)


Refusal = Callable[[Exception], Exception | None]


def execute(sql: str, params: Sequence, *, alias: str = DEFAULT_DB_ALIAS,
            result: Callable[[object], None] | None = None, refused: Refusal | None = None) -> None:
    """Execute one statement now, or queue it inside `sent_together`. `result(cursor)` is called with the cursor on
    the statement's result, once it has run. `refused(error)`: when the database refuses the statement (or, sent
    together, the message it went in), the exception to raise instead of `error`, or None to keep it: e.g. a
    constraint of its own turned into the caller's exception."""
    queue = _queue(alias)
    if queue is not None:
        queue.statements.append((sql, list(params), result, refused))
        return
    try:
        _run(sql, params, alias, result)
    except Exception as error:
        _raise_refusal(error, [refused])
        raise


def _raise_refusal(error: Exception, refusals: Iterable[Refusal | None]) -> None:
    for refusal in refusals:
        if refusal is not None and (instead := refusal(error)) is not None:
            raise instead from error


def query(sql: str, params: Sequence, *, alias: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """The rows of a read, now (inside `sent_together` the statements waiting go first; the reads waiting to go
    along, `send_along`, go in the same message): for the few reads of every public request, written out once
    instead of built by the ORM."""
    if _riders(alias):
        return query_together([(sql, params)], alias=alias)[0]
    _send_queued(alias)
    rows: list[tuple] = []
    _run(sql, params, alias, lambda cursor: rows.extend(cursor.fetchall()))
    return rows


def query_together(reads: Sequence[tuple[str, Sequence]], *, alias: str = DEFAULT_DB_ALIAS) -> list[list[tuple]]:
    """The rows of each read, now: where the database takes several statements in one message (PostgreSQL), all
    in one round trip instead of one each, with the reads waiting to go along (`send_along`); elsewhere one after
    the other."""
    riders = _riders(alias)
    if len(reads) + len(riders) < 2 or not can_send_together(alias):
        return [query(sql, params, alias=alias) for sql, params in reads]
    _send_queued(alias)
    if riders:
        del _along.reads[alias]
    results: list[list[tuple]] = [[] for _ in reads]
    queue = _Queue(alias)
    queue.statements = [(sql, list(params), lambda cursor, take=take: take(cursor.fetchall()), None)
                        for sql, params, take in riders]
    queue.statements += [(sql, list(params), lambda cursor, rows=rows: rows.extend(cursor.fetchall()), None)
                         for (sql, params), rows in zip(reads, results)]
    queue.send()
    return results


# -- reads that go along with the next one ---------------------------------------------------------------------

# .reads: {alias: [(sql, params, take_rows)]}; .keys: {(model, alias): [key, ...]}; .rows: {key: rows read ahead}
_along = threading.local()


def send_along(sql: str, params: Sequence, take_rows: Callable[[list[tuple]], None], *,
               alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Where the database takes several statements in one message (PostgreSQL): the read `sql` goes with this
    thread's next `query` or `query_together` on `alias`, in the same message, and `take_rows(rows)` is called
    with its rows then; True. A read that can wait for one the request makes anyway costs no round trip of its
    own. Elsewhere nothing (False): the caller reads when it needs to. What has not gone when the request ends is
    dropped (`forget_along`)."""
    if not can_send_together(alias):
        return False
    _held("reads").setdefault(alias, []).append((sql, list(params), take_rows))
    return True


def read_ahead(key: Hashable, sql: str, params: Sequence, *, alias: str = DEFAULT_DB_ALIAS) -> bool:
    """`send_along` whose rows are kept for the rest of the request under `key`, for `rows_read_ahead`."""
    def keep(rows: list[tuple]) -> None:
        _held("rows")[key] = rows

    return send_along(sql, params, keep, alias=alias)


def rows_read_ahead(key: Hashable) -> list[tuple] | None:
    """The rows of the read ahead under `key`, once it has gone with a read of this request; else None (not asked,
    not gone yet, or a database where nothing goes along): the caller reads them itself."""
    return _held("rows").get(key)


def _riders(alias: str) -> list:
    return _held("reads").get(alias, [])


def _held(store: str) -> dict:
    """This thread's store `store` of what goes along (reads, keys, rows), made when first asked for."""
    held = getattr(_along, store, None)
    if held is None:
        held = {}
        setattr(_along, store, held)
    return held


def forget_along(**_signal) -> None:
    """Drop what is waiting to go along, the keys not taken and the rows read ahead (at the start and end of every
    request, `connect`): a key reserved for a request that did not use it is skipped, as the key of a rolled-back
    insert is."""
    held = _along.__dict__  # this thread's stores (_held makes each again when first asked for)
    if held:
        held.clear()


def connect() -> None:
    """Scope what goes along to a request (UnitsConfig.ready, the lowest app)."""
    request_cycle.at_start("inserts", forget_along)
    request_cycle.at_finish("inserts", forget_along)


def _run(sql: str, params: Sequence, alias: str, result: Callable[[object], None] | None) -> None:
    connection = connections[alias]
    # The project's SQLite backend runs it straight on the sqlite3 connection unless something traces statements:
    # Django's cursor wrappers cost more than an insert, and stretch the write lock.
    straight = getattr(connection, "execute_untraced", None)
    cursor = straight(sql, params) if straight is not None else None
    if cursor is not None:
        if result is not None:
            result(cursor)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if result is not None:
            result(cursor)


def statements_only(write: Callable[[], object]) -> Callable[[], object]:
    """Mark a write function that runs nothing but `execute` and prepared inserts, and reads no statement's result
    before its end (no ORM statement, no `query`): `write_together` may send it with no transaction around it.
    A prepared insert's run() counts as one."""
    write.statements_only = True
    return write


def _is_statements_only(write) -> bool:
    return getattr(write, "statements_only", False) or isinstance(getattr(write, "__self__", None), PreparedInsert)


def write_together(writes: Sequence[Callable[[], object]], *, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Call the write functions `writes` in order, as one transaction.

    On PostgreSQL, outside any transaction and when every one of them is `statements_only`, their statements go to
    the server in one message with no BEGIN and no COMMIT: the server runs the statements of one message as one
    transaction, and an error in any of them rolls them all back. `on_commit` functions run once it has gone
    through. A write that turns out to run another statement raises TransactionManagementError before anything
    is sent. Elsewhere (SQLite, inside a transaction, a write not marked) transaction.atomic() and
    `sent_together`."""
    connection = connections[alias]
    if not (can_send_together(alias) and not connection.in_atomic_block and _queue(alias) is None
            and all(map(_is_statements_only, writes))):
        with transaction.atomic(using=alias), sent_together(alias):
            for write in writes:
                write()
        return
    queue = _Queue(alias, alone=True)
    setattr(_queues, alias, queue)
    try:
        with connection.execute_wrapper(queue.refuse_other):
            for write in writes:
                write()
        queue.send()
    finally:
        setattr(_queues, alias, None)
    for callback in queue.after_commit:
        try:
            callback()
        except Exception:  # as transaction.on_commit(robust=True): the writes are in, whatever a follower does
            logger.exception("A function to run after write_together()'s commit failed")


def on_commit(callback: Callable[[], None], *, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Call `callback` once the writes under way are committed: transaction.on_commit(robust=True), also inside
    `write_together`'s message."""
    queue = _queue(alias)
    if queue is not None and queue.alone:
        queue.after_commit.append(callback)
    else:
        transaction.on_commit(callback, using=alias, robust=True)


class _Queue:
    def __init__(self, alias: str, *, alone: bool = False):
        self.alias = alias
        self.alone = alone  # write_together's: no transaction around, sent only at the end
        self.statements: list[tuple[str, list, Callable | None, Refusal | None]] = []
        self.after_commit: list[Callable[[], None]] = []
        self.sending = False

    def before_other(self, execute_, sql, params, many, context):
        if not self.sending:
            self.send()
        return execute_(sql, params, many, context)

    def refuse_other(self, execute_, sql, params, many, context):
        # Nothing is sent yet, so nothing is written: the caller's mistake costs no data.
        raise TransactionManagementError(
            f"write_together(): a write marked statements_only ran another statement: {sql[:200]}")

    def send(self) -> None:
        queued, self.statements = self.statements, []
        if not queued:
            return
        self.sending = True
        try:
            with connections[self.alias].cursor() as cursor:
                # Client-side binding puts the values into the text: one message, the statements run in order.
                # Each statement is bound alone: the driver keeps the parsed form of a short statement with few
                # values and binds the next one's values into it, but parses a long one (all of them joined)
                # again every time (0.1 ms of the ~2 ms of application CPU a public complaint takes).
                try:
                    cursor.execute(STATEMENT_SEPARATOR.join(_bound(cursor, sql, params)
                                                            for sql, params, *_rest in queued))
                except Exception as error:
                    _raise_refusal(error, (refused for *_rest, refused in queued))
                    raise
                for index, (_sql, _params, result, _refused) in enumerate(queued):
                    if index:
                        cursor.nextset()
                    if result is not None:
                        result(cursor)
        finally:
            self.sending = False


def _bound(cursor, sql: str, params: Sequence) -> str:
    """The statement with its values written in, as the driver would send it (psycopg's ClientCursor)."""
    return sql if params is None else cursor.cursor.mogrify(sql, params)


_sequences: dict[tuple, str | None] = {}


def reserve_keys(objs: Iterable[Model | None]) -> None:
    """Where statements are sent together (PostgreSQL): the new instances among `objs` (no primary key yet, one
    made by the database) get their keys now, from their tables' sequences, in one query. Rows inserted in one
    message can then refer to each other. Elsewhere nothing: the inserts return the keys."""
    objs = [obj for obj in objs if obj is not None and obj.pk is None
            and isinstance(obj._meta.pk, AutoFieldMixin)]
    if not objs:
        return
    alias = router.db_for_write(type(objs[0]), instance=objs[0])
    if not can_send_together(alias) or any(router.db_for_write(type(obj), instance=obj) != alias for obj in objs):
        return
    ahead = _held("keys")
    if ahead:
        for obj in objs:
            if keys := ahead.get((type(obj), alias)):
                obj.pk = keys.pop(0)
        objs = [obj for obj in objs if obj.pk is None]
        if not objs:
            return
    names = [_sequence(type(obj), alias) for obj in objs]
    if None in names:
        return
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["nextval(%s)"] * len(names)), names)
        keys = cursor.fetchone()
    for obj, key in zip(objs, keys):
        obj.pk = key


def reserve_keys_ahead(models: Sequence[type[Model]], *, alias: str | None = None) -> None:
    """Where statements are sent together (PostgreSQL): a key for one new row of each of `models` comes with this
    thread's next read (`send_along`), and `reserve_keys` gives it to the first such row of this request. For a
    request that will likely insert them, e.g. a public complaint's POST, whose rate-limit read goes first: its
    keys then cost no round trip of their own. A key the request does not use is skipped, as a rolled-back
    insert's is; keys are still taken while the request runs, so ids keep growing with time."""
    models = [model for model in models if isinstance(model._meta.pk, AutoFieldMixin)]
    if not models:
        return
    alias = alias or router.db_for_write(models[0])
    if not can_send_together(alias):
        return
    names = [_sequence(model, alias) for model in models]
    if None in names:
        return

    def keep(rows: list[tuple]) -> None:
        for model, key in zip(models, rows[0]):
            _held("keys").setdefault((model, alias), []).append(key)

    send_along("SELECT " + ", ".join(["nextval(%s)"] * len(names)), names, keep, alias=alias)


def _sequence(model, alias: str) -> str | None:
    key = (model, alias)
    if key not in _sequences:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)",
                           [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column])
            _sequences[key] = cursor.fetchone()[0]
    return _sequences[key]


def _statement(model, alias: str, count: int, with_pk: bool):
    key = (model, alias, count, with_pk)
    cached = _statements.get(key)
    if cached is not None or key in _statements:
        return cached
    connection = connections[alias]
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated and (with_pk or not field.primary_key)]
    returning = [] if with_pk else [meta.pk]
    usable = (
        count <= MAX_ROWS
        and not meta.parents
        and not any(hasattr(field, "get_placeholder") for field in fields)
        # Nothing but an automatic key comes back from the database (no database defaults to read)...
        and all(field is meta.pk for field in meta.db_returning_fields)
        # ...and a key not given is one the database makes and RETURNING reads back.
        and (with_pk or (meta.pk in meta.db_returning_fields
                         and connection.features.can_return_rows_from_bulk_insert))
    )
    compiled = None
    if usable:
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
               f"VALUES {', '.join([row] * count)}")
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        compiled = (sql, fields, returning, [_plain_types(field) for field in fields])
    with _lock:
        if len(_statements) > 512:
            _statements.clear()
        _statements[key] = compiled
    return compiled
