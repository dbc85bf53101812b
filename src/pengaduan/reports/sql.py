"""Medians and percentiles computed by the database, on PostgreSQL and on SQLite.

PostgreSQL has the ordered-set aggregate `percentile_cont`. SQLite has none, so there the rows are numbered
within each group by a window function (ROW_NUMBER over the ordered values, COUNT over the group) and the
outer query picks the one or two rows around the wanted position, interpolating linearly exactly as
`percentile_cont` does. Either way only one row per group comes back to Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections
from django.db.models import Aggregate, Count, F, FloatField, QuerySet, Window
from django.db.models.functions import RowNumber


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`."""

    function = "percentile_cont"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, fraction: float, expression, **extra):
        fraction = float(fraction)
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile fraction lies between 0 and 1")
        super().__init__(expression, fraction=repr(fraction), **extra)


def _key(row: Sequence, size: int) -> tuple:
    return tuple(row[:size])


def percentiles(queryset: QuerySet, *, value: str, group_by: Sequence[str] = (),
                fractions: Sequence[float] = (0.5, 0.9)) -> dict[tuple, list[float | None]]:
    """{group key tuple: [percentile per fraction]} of the `value` column of `queryset`'s rows, per group.

    The key is the tuple of the `group_by` fields' values (the empty tuple without grouping). Groups
    without rows are absent. Interpolates linearly between neighbouring values (`percentile_cont`).
    """
    fractions = [float(f) for f in fractions]
    if any(not 0 <= f <= 1 for f in fractions):
        raise ValueError("A percentile fraction lies between 0 and 1")
    queryset = queryset.order_by()
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        aggregates = {f"p{i}": PercentileCont(f, value) for i, f in enumerate(fractions)}
        if group_by:
            rows = queryset.values(*group_by).annotate(**aggregates).values_list(*group_by, *aggregates)
        else:
            rows = [tuple(queryset.aggregate(**aggregates).values())] if queryset.exists() else []
        return {_key(row, len(group_by)): list(row[len(group_by):]) for row in rows}
    return _percentiles_by_window(queryset, value=value, group_by=group_by, fractions=fractions)


def _percentiles_by_window(queryset: QuerySet, *, value: str, group_by: Sequence[str],
                           fractions: Sequence[float]) -> dict[tuple, list[float | None]]:
    partition = [F(field) for field in group_by] or None
    groups = {f"g{i}": F(field) for i, field in enumerate(group_by)}
    numbered = queryset.values(
        **groups,
        v=F(value),
        rn=Window(RowNumber(), partition_by=partition, order_by=F(value).asc()),
        n=Window(Count("pk"), partition_by=partition),
    )
    inner_sql, params = numbered.query.sql_with_params()
    connection = connections[queryset.db]
    qn = connection.ops.quote_name
    group_columns = [qn(alias) for alias in groups]
    picks = []
    for fraction in fractions:
        # 0-based position p*(n-1) between the rows lo and lo+1; CAST truncates, the values are not negative.
        position = f"({fraction!r} * (n - 1))"
        low = f"CAST({position} AS INTEGER)"
        weight = f"({position} - {low})"
        picks.append(
            f"SUM(CASE WHEN rn - 1 = {low} THEN v * (1 - {weight}) "
            f"WHEN rn - 2 = {low} THEN v * {weight} ELSE 0 END)"
        )
    select = ", ".join([*group_columns, *picks])
    sql = f"SELECT {select} FROM ({inner_sql}) numbered"
    if group_columns:
        sql += " GROUP BY " + ", ".join(group_columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    size = len(group_by)
    if not size and rows and all(x is None for x in rows[0]):
        return {}  # no rows at all: SUM over nothing is one row of NULLs
    # Raw SQL skips the ORM's converters (SQLite returns dates as text): convert the keys by their fields.
    fields = [queryset.model._meta.get_field(name) for name in group_by]
    return {
        tuple(None if x is None else field.to_python(x) for field, x in zip(fields, row[:size])):
        [float(x) if x is not None else None for x in row[size:]]
        for row in rows
    }
