"""New rows inserted with their SQL built once per process: the public intake's write transaction.

A public complaint inserts ten rows. Through Model.save() and QuerySet.bulk_create() each of them builds an
InsertQuery and compiles it again (quoting every column, walking every field), which cost a quarter of the
intake's CPU (bench/profile_intake.py). `insert_new` writes the same rows with one statement per model and
batch size, compiled once: the values come from the same field methods the ORM uses (pre_save for
auto_now_add, get_db_prep_save), foreign keys are taken from related objects saved just before (as save()
does), and the primary keys come back with RETURNING.

What it does not do, as bulk_create does not: send pre_save/post_save signals or run a model's save(). Use it
only for models whose save() adds nothing for a new row; tests/test_inserts.py checks that a row written here
reads back equal to the same row written by save().
"""

import threading
from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model

_statements: dict[tuple, tuple[str, list, list]] = {}
_lock = threading.Lock()
MAX_ROWS = 100  # a statement per batch size is cached: the intake's batches are a few rows


def insert_new(objs: Sequence[Model]) -> None:
    """INSERT the new instances `objs` (all of one model, none saved yet) in one statement; sets their primary
    keys and marks them saved. Falls back to bulk_create for what the fast path does not cover (a field with its
    own SQL placeholder, database defaults to read back, a database without RETURNING)."""
    if not objs:
        return
    model = type(objs[0])
    alias = router.db_for_write(model, instance=objs[0])
    connection = connections[alias]
    for obj in objs:
        # As save(): a related object saved a moment ago gives its id to the foreign key column.
        obj._prepare_related_fields_for_save(operation_name="insert_new")
    with_pk = objs[0].pk is not None
    compiled = _statement(model, alias, len(objs), with_pk)
    if compiled is None:
        model._default_manager.using(alias).bulk_create(objs)
        return
    sql, fields, returning = compiled
    params = []
    for obj in objs:
        params.extend(field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if returning else []
    for index, obj in enumerate(objs):
        if returning:
            setattr(obj, returning[0].attname, rows[index][0])
        obj._state.adding = False
        obj._state.db = alias


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
        compiled = (sql, fields, returning)
    with _lock:
        if len(_statements) > 512:
            _statements.clear()
        _statements[key] = compiled
    return compiled
