"""Candidates for the similar-case search, found by the database's full-text index among every complaint of a
unit (no window of recent ones), best first, for `selectors.similar_complaints` to score.

SQLite: an FTS5 table `complaints_search` over the four texts of each complaint (external content: the texts
stay in complaints_complaint), ranked by BM25 with the summary and subject weighing most. New complaints are
indexed in batches, not one by one in the transaction that writes them: `index_new_complaints` adds every
complaint above the watermark `complaints_search_state.indexed_up_to` (ids only grow) and moves it, after
every INDEX_EVERY complaints a process has written (once its response has gone out) and in `pengaduan remind`.
Indexing one complaint per public submission cost the portal about 5 % of its throughput (bench/peer.py
--intake); a batch writes FTS5's few pages once. Until then the newest complaints, those above the watermark,
are candidates as they are (the newest UNINDEXED of a unit, `_sqlite_candidates`), and triggers keep the index
in step with every update and delete of a complaint below it, whoever writes. The complaints that share all
of the new complaint's rarest few words are the candidates (`_sqlite_candidates`): a word in a large share of
all complaints finds everything and ranks nothing, and ranking costs per complaint found, so the words are
required together until few complaints share them (at 1 000 000 complaints an OR of the rare
words ranked tens of thousands: seconds).
PostgreSQL: a GiST trigram index (pg_trgm) on the summary and subject together, read in order of trigram
distance (`<->`, nearest first): the index hands out the closest few and stops, however many complaints
there are, and a misspelt word still shares most of its trigrams. (A full-text match ranked by ts_rank
would have to rank every complaint sharing a common word: seconds at 50 000.) The description counts
when the candidates are scored.
Both are created by migration 0010 (each guarded by the database vendor; 0026 brought SQLite's batches);
`ensure_index` puts the SQLite triggers back after a migration that rebuilt the complaints table (SQLite drops a
table's triggers with it).
"""

from __future__ import annotations

import logging
import threading

from django.db import connection, connections, transaction
from django.db.models.expressions import RawSQL

from pengaduan.complaints.models import Complaint
from pengaduan.complaints import similarity
from pengaduan.complaints.similarity import search_terms

logger = logging.getLogger(__name__)

CANDIDATES = 50  # scored in Python afterwards: a few milliseconds
MAX_TERMS = 12
# SQLite (see _sqlite_candidates): how the candidates are found among every complaint in bounded time.
EXACT_UP_TO = 500  # a word's complaints are counted exactly up to this many
SAMPLE = 10_000  # beyond, its share is counted among the index's newest rows
SPECIFIC = 200  # words are required together until about this many complaints share them all
MAX_AND = 4  # at most this many words required together
CAP = 200  # complaints ranked by BM25 at most (the newest of those that share the words)
LOOKED_UP = 12  # words of the new complaint whose frequency is looked up (the summary's, subject's, place's first)

_TEXTS = ("summary", "description", "subject", "event_place")

# Only complaints at or below the watermark are in the index: a 'delete' of one that is not would corrupt it.
_INDEXED = "(SELECT indexed_up_to FROM complaints_search_state WHERE id = 1)"
_NOT_INDEXED = f"id > coalesce({_INDEXED}, 0)"  # a complaint waiting for the next batch
SQLITE_TRIGGERS = [
    # A complaint written with a given id below the watermark (a restore, a repair) is indexed at once.
    f"""CREATE TRIGGER IF NOT EXISTS complaints_search_inserted AFTER INSERT ON complaints_complaint
    WHEN new.id <= {_INDEXED} BEGIN
        INSERT INTO complaints_search(rowid, summary, description, subject, event_place)
        VALUES (new.id, new.summary, new.description, new.subject, new.event_place);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS complaints_search_deleted AFTER DELETE ON complaints_complaint
    WHEN old.id <= {_INDEXED} BEGIN
        INSERT INTO complaints_search(complaints_search, rowid, summary, description, subject, event_place)
        VALUES ('delete', old.id, old.summary, old.description, old.subject, old.event_place);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS complaints_search_updated AFTER UPDATE OF summary, description, subject,
    event_place ON complaints_complaint WHEN old.id <= {_INDEXED} BEGIN
        INSERT INTO complaints_search(complaints_search, rowid, summary, description, subject, event_place)
        VALUES ('delete', old.id, old.summary, old.description, old.subject, old.event_place);
        INSERT INTO complaints_search(rowid, summary, description, subject, event_place)
        VALUES (new.id, new.summary, new.description, new.subject, new.event_place);
    END""",
]
# Before the batches: every insert indexed by its own trigger (dropped by ensure_index).
LEGACY_TRIGGERS = ("complaints_search_ai", "complaints_search_ad", "complaints_search_au")
SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS complaints_search USING fts5(summary, description, subject, event_place, "
    "content='complaints_complaint', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS complaints_search_vocab USING fts5vocab(complaints_search, 'row')",
    "CREATE TABLE IF NOT EXISTS complaints_search_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
    "indexed_up_to INTEGER NOT NULL)",
]
INDEX_EVERY = 16  # complaints written by a process before it indexes the new ones, after its response
UNINDEXED = 100  # at most this many of the newest complaints of a unit, not indexed yet, are candidates as they are
# The text as PostgreSQL indexes it: the query must spell the same expression for the index to serve it.
PG_TEXT = "(summary || ' ' || subject)"
PG_MIN_SIMILARITY = 0.1  # below this, trigram neighbours share little more than chance
PG_INDEXES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS complaints_search_text ON complaints_complaint USING gist ({PG_TEXT} gist_trgm_ops)",
]


def ensure_index(using_connection=None) -> bool:
    """SQLite: create the index, its watermark and its triggers where missing, and build the index again when a
    trigger had to be created again (rows changed meanwhile were not kept in step) or the watermark was missing.
    Returns whether it rebuilt."""
    conn = using_connection or connection
    if conn.vendor != "sqlite":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'complaints_complaint'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'table') "
                       "AND name LIKE 'complaints_search%'")
        present = {name for (name,) in cursor.fetchall()}
        for name in LEGACY_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql in SQLITE_TABLES + SQLITE_TRIGGERS:
            cursor.execute(sql)
        wanted = {"complaints_search_state", "complaints_search_inserted", "complaints_search_deleted",
                  "complaints_search_updated"}
        if wanted - present:
            rebuild_index(cursor)
            return True
    return False


def rebuild_index(cursor) -> None:
    """Build the SQLite index again from every complaint, and set the watermark to the newest."""
    cursor.execute("INSERT INTO complaints_search(complaints_search) VALUES ('rebuild')")
    set_indexed_up_to(cursor, "(SELECT coalesce(max(id), 0) FROM complaints_complaint)")


def set_indexed_up_to(cursor, value_sql: str, params=()) -> None:
    cursor.execute(f"INSERT INTO complaints_search_state (id, indexed_up_to) VALUES (1, {value_sql}) "
                   f"ON CONFLICT (id) DO UPDATE SET indexed_up_to = excluded.indexed_up_to", list(params))


def index_new_complaints(using: str = "default") -> int:
    """SQLite: index every complaint above the watermark, in one statement, and move the watermark to the newest;
    the number indexed. In a transaction of its own (it holds the write lock), so no complaint can be written
    meanwhile: ids only grow, so those written later are above the new watermark. Elsewhere nothing (0)."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return 0
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute(f"SELECT {_INDEXED}, (SELECT max(id) FROM complaints_complaint)")
        indexed, newest = cursor.fetchone()
        if indexed is None:  # no watermark (a database ensure_index has not seen): build it all
            rebuild_index(cursor)
            return newest or 0
        if newest is None or newest <= indexed:
            return 0
        cursor.execute("INSERT INTO complaints_search(rowid, summary, description, subject, event_place) "
                       "SELECT id, summary, description, subject, event_place FROM complaints_complaint "
                       "WHERE id > %s AND id <= %s", [indexed, newest])
        added = cursor.rowcount
        set_indexed_up_to(cursor, "%s", [newest])
    return added


def unindexed(using: str = "default") -> int:
    """SQLite: how many complaints wait for the next batch of the index (a number that keeps growing means the
    batches fail). Elsewhere 0: PostgreSQL's index is kept by the database itself. Read along the primary key."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return 0
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM complaints_complaint WHERE {_NOT_INDEXED}")
        return cursor.fetchone()[0]


_written = threading.local()


def complaint_written() -> None:
    """Count a new complaint of this process: after INDEX_EVERY of them, the next response that has gone out
    indexes the new complaints (`index_when_due`)."""
    _written.count = getattr(_written, "count", 0) + 1


def index_when_due(**kwargs) -> None:
    """Django's request_finished: index the new complaints once this process has written INDEX_EVERY."""
    if getattr(_written, "count", 0) < INDEX_EVERY or connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    _written.count = 0
    try:
        index_new_complaints()
    except Exception:  # never fail a finished request: the next batch, or `pengaduan remind`, indexes them
        logger.warning("Could not index the new complaints for the similar-case search", exc_info=True)


def _quoted(term: str) -> str:
    return f'"{term[:-1]}"*' if term.endswith("*") else f'"{term}"'


def _and(terms: list[str]) -> str:
    return " AND ".join(_quoted(t) for t in terms)


def _sqlite_ranked_terms(terms: list[str], cursor) -> tuple[list[str], int, int | None]:
    """The terms found in the index, rarest first, about the number of complaints, and the watermark (the highest
    id indexed; None when the terms were not looked up).

    How common a word is: counted exactly up to EXACT_UP_TO (a rare word's list is short to read), above that
    estimated from the newest SAMPLE rows of the index (FTS5 reads a rowid range of a word's list without
    reading the rest). fts5vocab's counts would read every word's whole list: 15 ms per common word at
    1 000 000 complaints."""
    # Whole words only: a stem's prefix query ("petug"*) makes FTS5 merge the lists of every word it begins (165 ms
    # for one common stem at 1 000 000 complaints, without a prefix index); the scorer compares stems afterwards.
    terms = [term for term in terms if not term.endswith("*")][:LOOKED_UP]
    if not terms:
        return [], 0, None
    # One statement: about the number of complaints (the highest id, at no cost), then for each word its count up
    # to EXACT_UP_TO (newest first: FTS5 stops reading its list at the limit) and its count among the newest
    # SAMPLE rows (FTS5 seeks to a rowid range of a list without reading the rest).
    floor = f"(SELECT max(id) FROM complaints_complaint) - {SAMPLE}"
    parts, params = [f"SELECT max(id), coalesce({_INDEXED}, 0) FROM complaints_complaint"], []
    for term in terms:
        parts.append("SELECT (SELECT count(*) FROM (SELECT 1 FROM complaints_search WHERE complaints_search MATCH %s "
                     "ORDER BY rowid DESC LIMIT %s)), (SELECT count(*) FROM complaints_search WHERE "
                     f"complaints_search MATCH %s AND rowid > {floor})")
        params += [_quoted(term), EXACT_UP_TO, _quoted(term)]
    cursor.execute(" UNION ALL ".join(parts), params)
    rows = cursor.fetchall()
    total, indexed_up_to = rows[0][0] or 0, rows[0][1]
    if not total:
        return [], 0, indexed_up_to
    share = total / max(min(SAMPLE, total), 1)
    exact = [n for n, _sample in rows[1:]]
    sampled = {term: max(sample * share, EXACT_UP_TO) for term, (n, sample) in zip(terms, rows[1:])
               if n >= EXACT_UP_TO}
    counted = sorted((sampled.get(term, n), index, term) for index, (term, n) in enumerate(zip(terms, exact)) if n)
    return [term for _n, _index, term in counted][:MAX_TERMS], total, indexed_up_to


def _sqlite_candidates(terms: list[str], *, unit_id: int, exclude_pk: int | None, limit: int) -> list[int]:
    """Complaint ids, best first: the complaints that share all of the rarest few words of the new complaint.

    Words are added (rarest first, at most MAX_AND) until about SPECIFIC complaints or fewer share them all
    (checked on the index's newest SAMPLE rows, so that words that always come together count once). Those
    complaints, of any age, are ranked by BM25; should more than CAP share them all, the newest CAP of them
    are ranked (ranking costs about 20 µs per complaint, reading them newest first almost nothing). When the
    words together find fewer than `limit`, one word fewer finds more, and so on down to any of the words, each
    step under the same cap. After them, the newest complaints not indexed yet (one more statement, only while
    there are some)."""
    with connection.cursor() as cursor:
        ranked, total, indexed_up_to = _sqlite_ranked_terms(terms, cursor)
        found = _sqlite_ranked(ranked, total, cursor, unit_id=unit_id, exclude_pk=exclude_pk, limit=limit)
        if indexed_up_to is None or total > indexed_up_to:
            # The newest complaints, not in the index yet, are candidates as they are (the caller scores them).
            cursor.execute(
                f"SELECT id FROM complaints_complaint WHERE {_NOT_INDEXED} AND +unit_id = %s "
                "AND status <> %s AND id <> %s ORDER BY id DESC LIMIT %s",
                [unit_id, Complaint.Status.SET_ASIDE, exclude_pk or 0, UNINDEXED])
            seen = set(found)
            found += [pk for (pk,) in cursor.fetchall() if pk not in seen]
    return found


def _sqlite_ranked(ranked: list[str], total: int, cursor, *, unit_id: int, exclude_pk: int | None,
                   limit: int) -> list[int]:
    """The complaints in the index that share the rarest of the `ranked` words, best first (see _sqlite_candidates)."""
    if not ranked:
        return []
    prefixes = [ranked[:k] for k in range(1, min(MAX_AND, len(ranked)) + 1)]
    floor = max(total - SAMPLE, 0)
    cursor.execute(" UNION ALL ".join(
        ["SELECT count(*) FROM complaints_search WHERE complaints_search MATCH %s AND rowid > %s"] * len(prefixes)),
        [value for prefix in prefixes for value in (_and(prefix), floor)])
    share = total / max(min(SAMPLE, total), 1)
    estimates = [row[0] * share for row in cursor.fetchall()]
    k = next((i + 1 for i, estimate in enumerate(estimates) if estimate <= SPECIFIC), len(prefixes))
    found: list[int] = []
    # Then fewer words together, then any of them: each step finds more, newest first, under the same cap.
    steps = [_and(ranked[:n]) for n in range(k, 0, -1)] + [" OR ".join(_quoted(t) for t in ranked)]
    for match in steps:
        if len(found) >= limit:
            break
        # Weights per column (summary, description, subject, place). The unit and status are checked on the
        # complaint in the same statement, so the cap and the limit count only complaints that can be suggested.
        cursor.execute(
            "SELECT id FROM (SELECT s.rowid AS id, bm25(complaints_search, 3.0, 1.0, 2.0, 1.0) AS score "
            "FROM complaints_search s JOIN complaints_complaint c ON c.id = s.rowid "
            "WHERE complaints_search MATCH %s AND c.unit_id = %s AND c.status <> %s AND c.id <> %s "
            "ORDER BY s.rowid DESC LIMIT %s) ORDER BY score LIMIT %s",
            [match, unit_id, Complaint.Status.SET_ASIDE, exclude_pk or 0, CAP, limit],
        )
        seen = set(found)
        found += [pk for (pk,) in cursor.fetchall() if pk not in seen][:limit - len(found)]
    return found


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
        found = _sqlite_candidates(terms, unit_id=unit_id, exclude_pk=exclude_pk, limit=limit)
        # Each of them is of the unit, not set aside and not the one excluded: the statements that found them
        # checked it. Checked again here (or ordered newest first), SQLite would walk every complaint of the unit
        # along complaints_unit_recent and test each id, instead of looking up the few found by their key: 10 ms
        # at 100,000 complaints. Unordered: the caller ranks them.
        return Complaint.objects.filter(pk__in=found).order_by() if found else Complaint.objects.none()
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
