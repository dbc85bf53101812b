"""Candidates for the similar-case search, found by the database's full-text index among every complaint of a
unit (no window of recent ones), best first, for `selectors.similar_complaints` to score.

SQLite: an FTS5 table `complaints_search` over the four texts of each complaint (external content: the texts
stay in complaints_complaint; triggers keep the index in step with every insert, update and delete, whoever
writes, the bulk seeder included), ranked by BM25 with the summary and subject weighing most. The complaints
that share all of the new complaint's rarest few words are the candidates (`_sqlite_candidates`): a word in a
large share of all complaints finds everything and ranks nothing, and ranking costs per complaint found, so
the words are required together until few complaints share them (at 1 000 000 complaints an OR of the rare
words ranked tens of thousands: seconds).
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
# SQLite (see _sqlite_candidates): how the candidates are found among every complaint in bounded time.
EXACT_UP_TO = 500  # a word's complaints are counted exactly up to this many
SAMPLE = 10_000  # beyond, its share is counted among the index's newest rows
SPECIFIC = 200  # words are required together until about this many complaints share them all
MAX_AND = 4  # at most this many words required together
CAP = 200  # complaints ranked by BM25 at most (the newest of those that share the words)
LOOKED_UP = 12  # words of the new complaint whose frequency is looked up (the summary's, subject's, place's first)

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


def _and(terms: list[str]) -> str:
    return " AND ".join(_quoted(t) for t in terms)


def _sqlite_ranked_terms(terms: list[str], cursor) -> tuple[list[str], int]:
    """The terms found in the index, rarest first, and about the number of complaints.

    How common a word is: counted exactly up to EXACT_UP_TO (a rare word's list is short to read), above that
    estimated from the newest SAMPLE rows of the index (FTS5 reads a rowid range of a word's list without
    reading the rest). fts5vocab's counts would read every word's whole list: 15 ms per common word at
    1 000 000 complaints."""
    # Whole words only: a stem's prefix query ("petug"*) makes FTS5 merge the lists of every word it begins (165 ms
    # for one common stem at 1 000 000 complaints, without a prefix index); the scorer compares stems afterwards.
    terms = [term for term in terms if not term.endswith("*")][:LOOKED_UP]
    if not terms:
        return [], 0
    # One statement: about the number of complaints (the highest id, at no cost), then for each word its count up
    # to EXACT_UP_TO (newest first: FTS5 stops reading its list at the limit) and its count among the newest
    # SAMPLE rows (FTS5 seeks to a rowid range of a list without reading the rest).
    floor = f"(SELECT max(id) FROM complaints_complaint) - {SAMPLE}"
    parts, params = ["SELECT max(id), 0 FROM complaints_complaint"], []
    for term in terms:
        parts.append("SELECT (SELECT count(*) FROM (SELECT 1 FROM complaints_search WHERE complaints_search MATCH %s "
                     "ORDER BY rowid DESC LIMIT %s)), (SELECT count(*) FROM complaints_search WHERE "
                     f"complaints_search MATCH %s AND rowid > {floor})")
        params += [_quoted(term), EXACT_UP_TO, _quoted(term)]
    cursor.execute(" UNION ALL ".join(parts), params)
    rows = cursor.fetchall()
    total = rows[0][0] or 0
    if not total:
        return [], 0
    share = total / max(min(SAMPLE, total), 1)
    exact = [n for n, _sample in rows[1:]]
    sampled = {term: max(sample * share, EXACT_UP_TO) for term, (n, sample) in zip(terms, rows[1:])
               if n >= EXACT_UP_TO}
    counted = sorted((sampled.get(term, n), index, term) for index, (term, n) in enumerate(zip(terms, exact)) if n)
    return [term for _n, _index, term in counted][:MAX_TERMS], total


def _sqlite_candidates(terms: list[str], *, unit_id: int, exclude_pk: int | None, limit: int) -> list[int]:
    """Complaint ids, best first: the complaints that share all of the rarest few words of the new complaint.

    Words are added (rarest first, at most MAX_AND) until about SPECIFIC complaints or fewer share them all
    (checked on the index's newest SAMPLE rows, so that words that always come together count once). Those
    complaints, of any age, are ranked by BM25; should more than CAP share them all, the newest CAP of them
    are ranked (ranking costs about 20 µs per complaint, reading them newest first almost nothing). When the
    words together find fewer than `limit`, one word fewer finds more, and so on down to any of the words, each
    step under the same cap."""
    with connection.cursor() as cursor:
        ranked, total = _sqlite_ranked_terms(terms, cursor)
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
        # Unordered (the caller ranks them): ordered newest first, SQLite would walk every complaint of the unit
        # along complaints_unit_recent to spare a sort of the few found, instead of looking up each of them.
        return base.filter(pk__in=found).order_by() if found else Complaint.objects.none()
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
