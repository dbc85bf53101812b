"""The index of the similar-case search (complaints.search): FTS5 with its triggers on SQLite, pg_trgm and a
GiST trigram index on PostgreSQL; each created only on its own database."""

from django.db import migrations


def create(apps, schema_editor):
    from pengaduan.complaints import search

    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in search.SQLITE_TABLES + search.SQLITE_TRIGGERS:
                cursor.execute(sql)
            cursor.execute("INSERT INTO complaints_search(complaints_search) VALUES ('rebuild')")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in search.PG_INDEXES:
                cursor.execute(sql)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = ["DROP TRIGGER IF EXISTS complaints_search_ai", "DROP TRIGGER IF EXISTS complaints_search_ad",
                      "DROP TRIGGER IF EXISTS complaints_search_au", "DROP TABLE IF EXISTS complaints_search_vocab",
                      "DROP TABLE IF EXISTS complaints_search"]
    elif connection.vendor == "postgresql":
        statements = ["DROP INDEX IF EXISTS complaints_search_text"]
    else:
        statements = []
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0009_figures'),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
