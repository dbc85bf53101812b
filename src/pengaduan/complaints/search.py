"""Candidates for the similar-case search, found by the database's full-text index among every complaint of a
unit (no window of recent ones), best first, for `selectors.similar_complaints` to score.

SQLite: an FTS5 table `complaints_search` over the four texts of each complaint (external content: the texts
stay in complaints_complaint; triggers keep the index in step with every insert, update and delete, whoever
writes, the bulk seeder included), ranked by BM25 with the summary and subject weighing most. Only the rarer
words of the new complaint are looked up (their document counts come from the fts5vocab table
`complaints_search_vocab`): a word in a large share of all complaints finds everything and ranks nothing.
PostgreSQL: a GiST trigram index (pg_trgm) on the summary and subject together, read in order of trigram
distance (`<->`, nearest first): the index hands out the closest few and stops, however many complaints
there are, and a misspelt word still shares most of its trigrams. (A full-text match ranked by ts_rank
would have to rank every complaint sharing a common word: seconds at 50 000.) The description counts
when the candidates are scored.
Both are created by migration 0009 (each guarded by the database vendor); `ensure_index` puts the SQLite
triggers back after a migration that rebuilt the complaints table (SQLite drops a table's triggers with it).
"""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import RawSQL

from pengaduan.complaints.models import Complaint
from pengaduan.complaints import similarity
from pengaduan.complaints.similarity import search_terms

CANDIDATES = 50  # scored in Python afterwards: a few milliseconds
MAX_TERMS = 12
COMMON_SHARE = 0.05  # a word in more than this share of the complaints is left out while rarer ones remain

_TEXTS = ("summary", "description", "subject", "event_place")

SQLITE_TRIGGERS = [
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
SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS complaints_search USING fts5(summary, description, subject, event_place, "
    "content='complaints_complaint', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS complaints_search_vocab USING fts5vocab(complaints_search, 'row')",
]
# The text as PostgreSQL indexes it: the query must spell the same expression for the index to serve it.
PG_TEXT = "(summary || ' ' || subject)"
PG_MIN_SIMILARITY = 0.1  # below this, trigram neighbours share little more than chance
PG_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS complaints_search_text ON complaints_complaint USING gist ({PG_TEXT} gist_trgm_ops)",
]


def ensure_index(using_connection=None) -> bool:
    """SQLite: create the index and its triggers where missing, and fill the index when a trigger had to be
    created again (rows written meanwhile were not indexed). Returns whether it rebuilt."""
    conn = using_connection or connection
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'complaints_search_%'")
        present = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'complaints_complaint'")
        if cursor.fetchone() is None:
            return False
        for sql in SQLITE_TABLES + SQLITE_TRIGGERS:
            cursor.execute(sql)
        if len(present) < len(SQLITE_TRIGGERS):
            cursor.execute("INSERT INTO complaints_search(complaints_search) VALUES ('rebuild')")
            return True
    return False


def _quoted(term: str) -> str:
    return f'"{term[:-1]}"*' if term.endswith("*") else f'"{term}"'


def _sqlite_terms(terms: list[str]) -> list[str]:
    """The rarer terms, by their document counts in the index (terms found in no complaint are dropped)."""
    exact = [t for t in terms if not t.endswith("*")]
    prefixes = [t for t in terms if t.endswith("*")][:MAX_TERMS]
    parts, params = [], []
    if exact:
        parts.append(f"SELECT term, doc FROM complaints_search_vocab WHERE term IN ({', '.join(['%s'] * len(exact))})")
        params += exact
    for prefix in prefixes:
        root = prefix[:-1]
        parts.append("SELECT %s, sum(doc) FROM complaints_search_vocab WHERE term >= %s AND term < %s")
        params += [prefix, root, root + "\uffff"]
    parts.append("SELECT '', max(id) FROM complaints_complaint")  # about the number of complaints, at no cost
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    total = max(rows[-1][1] or 0, 1)
    counted = sorted((doc, term) for term, doc in rows[:-1] if doc)
    rare = [term for doc, term in counted if doc <= COMMON_SHARE * total]
    return (rare or [term for _doc, term in counted])[:MAX_TERMS]


def candidates(*, unit_id: int, summary: str, description: str, subject: str, event_place: str,
               exclude_pk: int | None = None, limit: int = CANDIDATES):
    """A queryset of at most `limit` complaints of the unit (set-aside ones left out) that share words with
    the texts, best first by the index's own ranking; empty when the texts have no words."""
    terms = search_terms(" ".join([summary, subject, event_place, description]))
    if not terms:
        return Complaint.objects.none()
    base = Complaint.objects.filter(unit_id=unit_id).exclude(status=Complaint.Status.SET_ASIDE)
    if exclude_pk is not None:
        base = base.exclude(pk=exclude_pk)
    if connection.vendor == "sqlite":
        chosen = _sqlite_terms(terms)
        if not chosen:
            return Complaint.objects.none()
        # Weights per column (summary, description, subject, place). The unit and status are checked on the
        # complaint in the same statement, so the limit counts only complaints that can be suggested.
        ranked = RawSQL(
            "SELECT s.rowid FROM complaints_search s JOIN complaints_complaint c ON c.id = s.rowid "
            "WHERE complaints_search MATCH %s AND c.unit_id = %s AND c.status <> %s AND c.id <> %s "
            "ORDER BY bm25(complaints_search, 3.0, 1.0, 2.0, 1.0) LIMIT %s",
            [" OR ".join(_quoted(t) for t in chosen), unit_id, Complaint.Status.SET_ASIDE, exclude_pk or 0, limit],
        )
        return base.filter(pk__in=ranked)
    if connection.vendor == "postgresql":
        text = f"{summary} {subject}".strip()[:similarity.MAX_FIELD_CHARS]
        if not text:
            return Complaint.objects.none()
        ranked = RawSQL(
            f"SELECT id FROM complaints_complaint WHERE unit_id = %s AND status <> %s AND id <> %s "
            f"AND similarity({PG_TEXT}, %s) >= %s ORDER BY {PG_TEXT} <-> %s LIMIT %s",
            [unit_id, Complaint.Status.SET_ASIDE, exclude_pk or 0, text, PG_MIN_SIMILARITY, text, limit],
        )
        return base.filter(pk__in=ranked)
    # Any other database: the newest complaints (the project supports SQLite and PostgreSQL).
    return base.order_by("-received_at")[:limit * 10]
