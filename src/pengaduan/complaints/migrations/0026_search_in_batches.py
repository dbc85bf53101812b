"""SQLite: new complaints are indexed for the similar-case search in batches (complaints.search.index_new_complaints)
instead of by a trigger in each complaint's own transaction; the index keeps a watermark, the id up to which
every complaint is in it."""

from django.db import migrations

# The triggers before this migration, for going back.
LEGACY_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS complaints_search_ai AFTER INSERT ON complaints_complaint BEGIN
        INSERT INTO complaints_search(rowid, summary, description, subject, event_place)
        VALUES (new.id, new.summary, new.description, new.subject, new.event_place);
    END""",
    """CREATE TRIGGER IF NOT EXISTS complaints_search_ad AFTER DELETE ON complaints_complaint BEGIN
        INSERT INTO complaints_search(complaints_search, rowid, summary, description, subject, event_place)
        VALUES ('delete', old.id, old.summary, old.description, old.subject, old.event_place);
    END""",
    """CREATE TRIGGER IF NOT EXISTS complaints_search_au AFTER UPDATE OF summary, description, subject, event_place
    ON complaints_complaint BEGIN
        INSERT INTO complaints_search(complaints_search, rowid, summary, description, subject, event_place)
        VALUES ('delete', old.id, old.summary, old.description, old.subject, old.event_place);
        INSERT INTO complaints_search(rowid, summary, description, subject, event_place)
        VALUES (new.id, new.summary, new.description, new.subject, new.event_place);
    END""",
]


def forward(apps, schema_editor):
    from pengaduan.complaints import search

    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'complaints_search_ai'")
        complete = cursor.fetchone() is not None  # every complaint was indexed as it was written
        for name in search.LEGACY_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in search.SQLITE_TABLES:
            cursor.execute(sql)
        if complete:
            search.set_indexed_up_to(cursor, "(SELECT coalesce(max(id), 0) FROM complaints_complaint)")
        else:
            search.rebuild_index(cursor)
        for sql in search.SQLITE_TRIGGERS:
            cursor.execute(sql)


def backward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in ("complaints_search_inserted", "complaints_search_deleted", "complaints_search_updated"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute("DROP TABLE IF EXISTS complaints_search_state")
        for sql in LEGACY_TRIGGERS:
            cursor.execute(sql)
        cursor.execute("INSERT INTO complaints_search(complaints_search) VALUES ('rebuild')")


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0025_fewer_index_writes'),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
