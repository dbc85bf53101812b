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


def receive(unit, *, days_ago: float = 1, **text) -> Complaint:
    return complaint_receive(
        unit=unit, data=intake_data(channel="web", **text), now=timezone.now() - timedelta(days=days_ago)
    )


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
        for name in ("complaints_search_ai", "complaints_search_au", "complaints_search_ad"):
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
    """The few candidates the index found are looked up one by one; ordered newest first, SQLite would walk all of
    the unit's complaints along complaints_unit_recent to spare sorting them (seconds at a million)."""
    from django.test.utils import CaptureQueriesContext

    for _round in range(2):
        receive(unit)
        receive_other_topics(unit)
    with CaptureQueriesContext(connection) as queries:
        assert similar_complaints(unit=unit, **KTP_REWORDED, min_score=0.0)
    [texts] = [query["sql"] for query in queries if "SUBSTR" in query["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + texts)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "complaints_unit_recent" not in plan and "SCAN" not in plan and "rowid=?" in plan, plan
