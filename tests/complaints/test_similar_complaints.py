"""Similar existing complaints, suggested to the JFU while recording a new one."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from pengaduan.complaints.engine import complaint_receive, complaint_record
from pengaduan.complaints.models import Complaint
from pengaduan.complaints import search
from pengaduan.complaints.selectors import similar_complaints
from factories import intake_data, make_unit

pytestmark = pytest.mark.django_db

KTP = intake_data()  # "Pungutan liar pada pengurusan KTP" at Kelurahan Manguharjo
KTP_REWORDED = {
    "summary": "Petugas Kelurahan Manguharjo minta uang untuk urus KTP",
    "description": "Saya dimintai bayaran 50 ribu oleh petugas agar KTP cepat jadi.",
    "subject": "kelurahan manguharjo",
}
OTHER_TOPICS = [
    ("Jalan rusak berlubang", "Jalan di depan SDN 01 rusak parah.", "Dinas Pekerjaan Umum"),
    ("Lampu penerangan jalan mati", "Lampu PJU mati dua minggu.", "Dinas Perhubungan"),
    ("Sampah menumpuk", "Sampah di TPS tidak diangkut.", "Dinas Lingkungan Hidup"),
    ("Antrean puskesmas lama", "Pasien menunggu berjam-jam.", "Puskesmas Taman"),
]


def receive(unit, *, days_ago: float = 1, indexed: bool = True, **text) -> Complaint:
    """A web complaint; `indexed`: in the SQLite search's index already (as after the next batch)."""
    complaint = complaint_receive(
        unit=unit, data=intake_data(channel="web", **text), now=timezone.now() - timedelta(days=days_ago)
    )
    if indexed:
        search.index_new_complaints()
    return complaint


def receive_other_topics(unit, *, days_ago: float = 1) -> list[Complaint]:
    return [
        receive(unit, days_ago=days_ago, summary=summary, description=description, subject=subject, event_place="")
        for summary, description, subject in OTHER_TOPICS
    ]


def set_aside(complaint: Complaint, reason: str) -> None:
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Complaint.Status.SET_ASIDE, set_aside_reason=reason, closed_at=timezone.now()
    )


def suggested(unit, **kwargs) -> list[Complaint]:
    return [complaint for complaint, _score in similar_complaints(unit=unit, **kwargs)]


def test_it_suggests_the_same_case_reworded_first(unit, jfu):
    receive_other_topics(unit)
    original = complaint_record(unit=unit, actor=jfu, data=KTP, now=timezone.now() - timedelta(days=10))
    search.index_new_complaints()
    receive_other_topics(unit)

    results = similar_complaints(unit=unit, **KTP_REWORDED)

    assert results[0][0] == original
    assert 0.5 < results[0][1] <= 1
    assert all(score < results[0][1] for _complaint, score in results[1:])


def test_it_returns_the_best_first_and_no_more_than_the_limit(unit):
    exact = receive(unit, days_ago=3)
    near = receive(unit, days_ago=2, summary="Pungutan liar KTP", description="Diminta uang.")
    receive_other_topics(unit)

    results = similar_complaints(unit=unit, summary=KTP["summary"], description=KTP["description"],
                                 subject=KTP["subject"], event_place=KTP["event_place"], limit=2)

    assert [complaint for complaint, _score in results] == [exact, near]
    assert results[0][1] == pytest.approx(1.0) and results[0][1] > results[1][1]


def test_it_leaves_out_complaints_below_the_minimum_score(unit):
    receive_other_topics(unit)

    assert suggested(unit, summary=KTP["summary"], subject=KTP["subject"]) == []
    assert suggested(unit, summary="Lampu jalan mati", min_score=0.0) != []


def test_it_suggests_nothing_for_a_text_without_words(unit):
    receive(unit)

    assert suggested(unit, summary="!!! ???") == []


def test_it_never_suggests_another_units_complaints(unit):
    other_unit = make_unit(code="DINKES", name="Dinas Kesehatan")
    receive(other_unit)

    assert suggested(other_unit, **KTP_REWORDED) != []
    assert suggested(unit, **KTP_REWORDED) == []


def test_it_searches_every_complaint_however_old_the_newer_first_when_equally_similar(unit):
    old = receive(unit, days_ago=900)
    recent = receive(unit, days_ago=20)

    assert suggested(unit, **KTP_REWORDED) == [recent, old]


def test_it_finds_an_old_case_behind_many_newer_complaints(unit):
    older = receive(unit, days_ago=400)
    for _round in range(10):
        receive_other_topics(unit, days_ago=1)

    assert suggested(unit, **KTP_REWORDED) == [older]


def test_it_puts_the_same_reporter_first_among_equally_similar_cases(unit):
    from pengaduan.complaints.models import Complainant

    mine = receive(unit, days_ago=30)
    receive(unit, days_ago=2)
    Complainant.objects.filter(pk=mine.complainant_id).update(phone="0899-1111-2222")

    found = suggested(unit, **KTP_REWORDED, reporter={"phone": "+62 899 1111 2222"})

    assert found[0] == mine


def test_it_finds_a_reworded_case_in_an_index_kept_by_the_database_not_by_the_engine(unit):
    """Rows written without the engine (bulk seeding, an import) are found too: the index follows the table."""
    original = receive(unit, days_ago=3)
    Complaint.objects.filter(pk=original.pk).update(summary="Jalan berlubang di Jalan Pahlawan",
                                                    description="Aspal rusak parah.", subject="Dinas PUPR")

    assert suggested(unit, summary="Jalan Pahlawan berlubang", subject="Dinas PUPR") == [Complaint.objects.get(
        pk=original.pk)]
    assert suggested(unit, **KTP_REWORDED) == []


@pytest.mark.parametrize("reason", [Complaint.SetAsideReason.SPAM, Complaint.SetAsideReason.DUPLICATE])
def test_it_never_suggests_set_aside_complaints(unit, reason):
    kept = receive(unit, days_ago=3)
    set_aside(receive(unit, days_ago=2), reason)

    assert suggested(unit, **KTP_REWORDED) == [kept]


def test_it_excludes_the_complaint_being_looked_at(unit, jfu):
    original = complaint_record(unit=unit, actor=jfu, data=KTP, now=timezone.now() - timedelta(days=30))
    search.index_new_complaints()
    waiting = receive(unit, days_ago=0, **KTP_REWORDED)

    looked_at = {field: getattr(waiting, field) for field in ("summary", "description", "subject", "event_place")}
    assert suggested(unit, **looked_at, exclude_pk=waiting.pk) == [original]


def test_it_needs_a_few_queries_however_many_candidates(unit, django_assert_max_num_queries):
    for _round in range(3):
        receive(unit)
        receive_other_topics(unit)

    # SQLite reads how common the words are and how many complaints share the rarest few together, then asks
    # for the candidates at most once per step of its widening (search.MAX_AND words together, fewer, any of
    # them), then their texts and the suggestions; PostgreSQL only the candidates. However many complaints.
    with django_assert_max_num_queries(2 if connection.vendor == "postgresql" else 2 + search.MAX_AND + 1 + 2):
        results = similar_complaints(unit=unit, **KTP_REWORDED, min_score=0.0, limit=20)
        # What a suggestion list shows costs no further query.
        shown = [(str(complaint), complaint.summary, complaint.received_at, complaint.status)
                 for complaint, _score in results]

    # The index finds the complaints that share words (SQLite) or trigrams (PostgreSQL); the same case first.
    assert len(shown) >= 3 and {summary for _code, summary, _at, _status in shown[:3]} == {KTP["summary"]}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_it_puts_the_index_back_after_a_migration_dropped_its_triggers(unit):
    from pengaduan.complaints.search import ensure_index

    original = receive(unit, days_ago=3)
    with connection.cursor() as cursor:  # as SQLite does when a migration rebuilds the complaints table
        for name in ("complaints_search_inserted", "complaints_search_updated", "complaints_search_deleted"):
            cursor.execute(f"DROP TRIGGER {name}")
    Complaint.objects.filter(pk=original.pk).update(summary="Lampu penerangan jalan mati", description="Gelap.",
                                                    subject="Dinas Perhubungan", event_place="")
    later = receive(unit, days_ago=1, summary="Lampu jalan mati total", description="Gelap sekali.",
                    subject="Dinas Perhubungan", event_place="")

    assert ensure_index() is True
    assert set(suggested(unit, summary="Lampu jalan mati", subject="Dinas Perhubungan")) == {
        Complaint.objects.get(pk=original.pk), later}
    assert ensure_index() is False


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite full-text search's caps")
def test_it_finds_an_old_case_behind_more_new_complaints_than_it_ranks(unit, monkeypatch):
    """No window of recent complaints: the rarest words together find the old case, however many newer complaints
    share the common words (here many more than the search ranks, and than its sample of the newest rows)."""
    monkeypatch.setattr(search, "CAP", 3)
    monkeypatch.setattr(search, "SAMPLE", 5)
    monkeypatch.setattr(search, "EXACT_UP_TO", 4)
    original = receive(unit, days_ago=400, summary="Pungutan liar pengurusan KTP elektronik",
                       description="Petugas Kelurahan Manguharjo meminta uang agar KTP elektronik cepat dicetak.",
                       subject="Kelurahan Manguharjo")
    for day in range(12):
        receive(unit, days_ago=day, summary="Pelayanan kelurahan lambat",
                description="Petugas kelurahan meminta warga menunggu lama.", subject="Kelurahan Taman")

    found = suggested(unit, summary="KTP elektronik dipungut uang", subject="Kelurahan Manguharjo",
                      description="Petugas minta uang supaya KTP elektronik cepat jadi.")

    assert found[0] == original


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_it_reads_the_candidates_texts_by_their_ids_not_along_every_complaint_of_the_unit(unit):
    """The few dozen candidates the index found are looked up one by one. Ordered newest first, or filtered by the
    unit again, SQLite would walk all of the unit's complaints along complaints_unit_recent instead (seconds at a
    million): without statistics its planner takes an index on the unit for about ten rows, fewer than the ids
    to look up once there are more than ten candidates."""
    from django.test.utils import CaptureQueriesContext

    for _round in range(24):
        receive(unit, indexed=False)
    receive(unit)
    receive_other_topics(unit)
    with CaptureQueriesContext(connection) as queries:
        assert similar_complaints(unit=unit, **KTP_REWORDED, min_score=0.0)
    [texts] = [query["sql"] for query in queries if "SUBSTR" in query["sql"]]
    assert texts.count(",", texts.index(" IN (")) >= 20  # the ids of 25 complaints
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + texts)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "complaints_unit_recent" not in plan and "SCAN" not in plan and "rowid=?" in plan, plan


# -- SQLite: new complaints indexed in batches ------------------------------------------------------------------

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's index is filled in batches")
KTP_TEXT = {field: KTP[field] for field in ("summary", "description", "subject", "event_place")}
LAMP = {"summary": "Lampu penerangan jalan mati", "description": "Gelap.", "subject": "Dinas Perhubungan",
        "event_place": ""}


def _indexed_ids() -> set[int]:
    with connection.cursor() as cursor:  # one row per document in the index (the table itself reads the complaints)
        cursor.execute("SELECT id FROM complaints_search_docsize")
        return {rowid for (rowid,) in cursor.fetchall()}


def _assert_index_is_sound(*, complete: bool = False) -> None:
    """FTS5 raises when its index is damaged; `complete`: also when it differs from the complaints."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO complaints_search(complaints_search, rank) VALUES ('integrity-check', %s)",
                       [int(complete)])


@sqlite_only
def test_a_new_complaint_is_suggested_before_and_after_it_is_indexed(unit):
    original = receive(unit, days_ago=3, indexed=False, **KTP_TEXT)
    assert original.pk not in _indexed_ids()
    assert suggested(unit, **KTP_REWORDED) == [original]
    assert search.index_new_complaints() == 1
    assert original.pk in _indexed_ids()
    assert suggested(unit, **KTP_REWORDED) == [original]
    assert search.index_new_complaints() == 0


@sqlite_only
def test_a_batch_indexes_exactly_the_complaints_above_the_watermark(unit):
    first = [receive(unit, indexed=False, **KTP_TEXT) for _ in range(3)]
    assert search.index_new_complaints() == 3
    later = receive_other_topics(unit)  # each indexed by the helper
    assert _indexed_ids() == {complaint.pk for complaint in first + later}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexed_up_to FROM complaints_search_state")
        assert cursor.fetchone()[0] == later[-1].pk
    _assert_index_is_sound(complete=True)


def _copy(complaint: Complaint, *, new_id: int) -> int:
    """A bare copy of the complaint's row (no steps, no events) under another id, written as a repair would."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE kept AS SELECT * FROM complaints_complaint WHERE id = %s", [complaint.pk])
        cursor.execute("UPDATE kept SET id = %s, tracking_code_hash = %s", [new_id, f"copy-{new_id}"])
        cursor.execute("INSERT INTO complaints_complaint SELECT * FROM kept")
        cursor.execute("DROP TABLE kept")
    return new_id


@sqlite_only
def test_changing_or_deleting_complaints_on_either_side_of_the_watermark_keeps_the_index_sound(unit):
    indexed, waiting = receive(unit, **KTP_TEXT), receive(unit, indexed=False, **KTP_TEXT)
    Complaint.objects.filter(pk__in=[indexed.pk, waiting.pk]).update(**LAMP)
    _assert_index_is_sound()  # the indexed one's entry changed with it, the other has none yet
    assert set(suggested(unit, summary="Lampu jalan mati", subject="Dinas Perhubungan")) == {indexed, waiting}
    below, above = _copy(indexed, new_id=indexed.pk - 1 if indexed.pk > 1 else 0), _copy(waiting, new_id=10_000)
    assert below in _indexed_ids() and above not in _indexed_ids()
    Complaint.objects.filter(pk__in=[below, above]).delete()
    _assert_index_is_sound()
    assert search.index_new_complaints() == 1  # `waiting` alone
    _assert_index_is_sound(complete=True)


@sqlite_only
@pytest.mark.django_db(transaction=True)  # as after a response: no transaction open
def test_a_process_indexes_its_new_complaints_once_it_has_answered_a_batch(unit, monkeypatch):
    from pengaduan import request_cycle

    assert request_cycle.registered("similar-case index") == (None, search.index_when_due)
    monkeypatch.setattr(search, "INDEX_EVERY", 3)
    monkeypatch.setattr(search._written, "count", 0, raising=False)
    waiting = [receive(unit, indexed=False, **KTP_TEXT) for _ in range(2)]
    search.index_when_due()  # as each response has gone out
    assert not _indexed_ids() & {complaint.pk for complaint in waiting}
    waiting.append(receive(unit, indexed=False, **KTP_TEXT))
    search.index_when_due()
    assert _indexed_ids() == {complaint.pk for complaint in waiting}


@sqlite_only
def test_the_migration_to_batches_keeps_an_index_its_old_trigger_kept_complete(unit):
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("pengaduan.complaints.migrations.0026_search_in_batches")
    with connection.cursor() as cursor:  # the database as before the migration: every insert indexed by a trigger
        for name in ("complaints_search_inserted", "complaints_search_deleted", "complaints_search_updated"):
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("DROP TABLE complaints_search_state")
        for sql in migration.LEGACY_TRIGGERS:
            cursor.execute(sql)
    first = receive(unit, indexed=False, **KTP_TEXT)
    second = receive(unit, indexed=False, **LAMP)
    assert _indexed_ids() == {first.pk, second.pk}  # by the old trigger

    migration.forward(None, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexed_up_to FROM complaints_search_state")
        assert cursor.fetchone()[0] == second.pk
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'complaints_search%'")
        assert {name for (name,) in cursor.fetchall()} == {
            "complaints_search_inserted", "complaints_search_deleted", "complaints_search_updated"}
    _assert_index_is_sound(complete=True)
    third = receive(unit, indexed=False, **KTP_TEXT)
    assert third.pk not in _indexed_ids() and search.index_new_complaints() == 1
