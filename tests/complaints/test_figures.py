"""The rollups the reports read are kept by the engine, in its transactions, and equal a rebuild from scratch."""

import io
import random
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from factories import intake_data, wib
from rollup_rows import rollups
from madiun_steps import PERFORMER, STEP_DATA
from pengaduan.complaints import engine, figures
from pengaduan.complaints.errors import WorkflowError
from pengaduan.complaints.figure_models import AnswerDay, DayCount, StepDay, StepMonth
from pengaduan.complaints.models import Complaint, StepRun
from pengaduan.reports import selectors
from pengaduan.reports.periods import Period

pytestmark = pytest.mark.django_db

CHANNELS = ["web", "email", "sms_whatsapp"]
CATEGORIES = ["Pungutan liar", "Perizinan", "Kesehatan"]
DECISIONS = ["answer", "examination", "forward"]


def step_data(number: int, rng: random.Random) -> dict:
    data = dict(STEP_DATA[number])
    if number == 2:
        data["category"] = rng.choice(CATEGORIES)
    if number == 3:
        data["decision_type"] = rng.choice(DECISIONS)
        if data["decision_type"] == "forward":
            data["forward_to"] = "Dinas Perhubungan"
    return data


def random_workload(unit, staff, *, seed: int, actions: int) -> None:
    """Intake (recorded at once or received from the web), steps completed early or late, clocks paused and
    resumed (by the officer or by the complainant's reply), complaints set aside, answers rated, over weeks."""
    rng = random.Random(seed)
    now = wib(2026, 11, 2, 8, 0)
    open_ids: list[int] = []
    closed_ids: list[int] = []
    for _action in range(actions):
        now += timedelta(minutes=rng.choice([3, 7, 20, 45, 90, 300, 1440, 2 * 1440]))
        choice = rng.random()
        try:
            if choice < 0.25 or not open_ids:
                data = intake_data(channel=rng.choice(CHANNELS), summary=rng.choice(["Pungli KTP", "Jalan rusak"]),
                                   subject=rng.choice(["Kelurahan Taman", "Dinas Perhubungan"]))
                if rng.random() < 0.5:
                    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=data, now=now)
                else:
                    complaint = engine.complaint_receive(unit=unit, data=data, now=now)
                open_ids.append(complaint.pk)
                continue
            complaint = Complaint.objects.get(pk=rng.choice(open_ids))
            run = StepRun.objects.filter(complaint=complaint, done_at__isnull=True).first()
            if run is None:
                open_ids.remove(complaint.pk)
                continue
            if choice < 0.35 and run.number == 1:
                engine.complaint_set_aside(complaint=complaint, actor=staff["jfu"], reason="spam", note="Iklan.",
                                           now=now)
                open_ids.remove(complaint.pk)
            elif choice < 0.45 and run.paused_at is None:
                engine.information_request(complaint=complaint, actor=staff[PERFORMER[run.number]],
                                           question="Mohon lengkapi.", pause_clock=True, now=now)
            elif choice < 0.55 and run.paused_at is not None:
                if rng.random() < 0.5:
                    engine.step_resume(complaint=complaint, actor=staff[PERFORMER[run.number]], now=now)
                else:
                    request = complaint.information_requests.filter(replied_at__isnull=True).first()
                    engine.information_reply(request=request, reply="Sudah saya lengkapi.", now=now)
            else:
                data = intake_data() if run.number == 1 else step_data(run.number, rng)
                engine.step_complete(complaint=complaint, actor=staff[PERFORMER[run.number]], step_number=run.number,
                                     data=data, now=now)
                if run.number == 5:
                    open_ids.remove(complaint.pk)
                    closed_ids.append(complaint.pk)
            if closed_ids and rng.random() < 0.2:
                rated = Complaint.objects.get(pk=closed_ids.pop(rng.randrange(len(closed_ids))))
                engine.complaint_rate(complaint=rated, score=rng.randint(1, 5), now=now)
        except WorkflowError:
            pass  # e.g. a step that still waits for a coordinator: the workload goes on elsewhere


@pytest.mark.parametrize("seed", [1, 2])
def test_it_keeps_rollups_equal_to_a_rebuild_after_a_random_workload(unit, staff, seed):
    random_workload(unit, staff, seed=seed, actions=160)
    kept = rollups()
    assert kept["answers"] and kept["steps"] and kept["histograms"] and any(row[2] == "late_due" for row in kept["days"])

    figures.rebuild_stats(everything=True)

    assert rollups() == kept


def test_a_rebuild_of_one_unit_equals_the_rollups_kept(unit, staff):
    random_workload(unit, staff, seed=3, actions=80)
    kept = rollups()

    figures.rebuild_rollups(unit=unit)

    assert rollups() == kept


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_rebuild_of_one_unit_reads_its_rows_in_batches_along_the_key_without_sorting_them(unit, staff):
    """With the unit's index the database read every row of the unit and sorted them once per batch: over twenty
    minutes at 5,000,000 step runs (bench/bench_reports.py)."""
    random_workload(unit, staff, seed=4, actions=40)
    with CaptureQueriesContext(connection) as queries:
        figures.rebuild_rollups(unit=unit)
    batches = [query["sql"] for query in queries if "ORDER BY" in query["sql"] and "LIMIT" in query["sql"]]
    assert any("reports_steprunstat" in sql for sql in batches), batches
    with connection.cursor() as cursor:
        for sql in batches:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "TEMP B-TREE" not in plan, (sql, plan)


def test_it_moves_a_complaint_between_values_as_it_is_categorised_and_answered(unit, staff):
    complaint = engine.complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(), now=wib(2026, 11, 2, 8, 0))
    november = Period.month(2026, 11)
    first = selectors.periodic_figures(unit=unit, period=november)
    assert (first.received, first.open_of_received, first.answered_of_received) == (1, 1, 0)
    for number in range(2, 6):
        engine.step_complete(complaint=complaint, actor=staff[PERFORMER[number]], step_number=number,
                             data=STEP_DATA[number], now=wib(2026, 11, 4, 8, number))
    after = selectors.periodic_figures(unit=unit, period=november)
    assert (after.received, after.open_of_received, after.answered_of_received) == (1, 0, 1)
    channel, _type, category = after.breakdowns[:3]
    assert category.rows == [("Pungutan liar", 1)] and channel.total == 1


def test_it_counts_a_complaint_set_aside_apart(unit, staff):
    spam = engine.complaint_receive(unit=unit, data=intake_data(channel="web"), now=wib(2026, 11, 2, 8, 0))
    assert selectors.periodic_figures(unit=unit, period=Period.month(2026, 11)).received == 1
    engine.complaint_set_aside(complaint=spam, actor=staff["jfu"], reason="spam", note="Iklan.",
                               now=wib(2026, 11, 2, 8, 5))
    figures_now = selectors.periodic_figures(unit=unit, period=Period.month(2026, 11))
    assert (figures_now.received, figures_now.set_aside) == (0, 1)
    assert DayCount.objects.filter(measure="channel").exclude(n=0).count() == 0


def test_it_reads_the_reports_without_touching_complaints(unit, staff):
    random_workload(unit, staff, seed=3, actions=60)
    year = Period.year(2026)
    with CaptureQueriesContext(connection) as queries:
        selectors.periodic_figures(unit=unit, period=year)
        selectors.public_statistics(unit=unit, year=2026)
        selectors.compliance_by_officer(unit=unit, period=year)
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert '"complaints_complaint"' not in tables and '"reports_steprunstat"' not in tables
    assert '"reports_complaintstat"' not in tables


def test_it_reads_a_range_of_days_from_the_figures_of_its_steps(unit, staff):
    random_workload(unit, staff, seed=5, actions=80)
    by_month = selectors.compliance_by_step(unit=unit, period=Period.month(2026, 11))
    by_days = selectors.compliance_by_step(unit=unit, period=Period.days(date(2026, 11, 1), date(2026, 11, 30)))
    assert [(r.done, r.on_time, r.median, r.p90, r.standard_median) for r in by_days] == [
        (r.done, r.on_time, r.median, r.p90, r.standard_median) for r in by_month]


def test_it_buckets_durations_in_order_and_exactly_below_a_minute():
    assert [figures.bucket(s) for s in (0, 1, 63)] == [0, 1, 63]
    values = [figures.bucket(s) for s in range(0, 3_000_000, 997)]
    assert values == sorted(values)
    # No bucket wider than about 3 % of what it holds.
    for seconds in (100, 5_000, 290_000, 2_500_000):
        same = [s for s in range(int(seconds * 0.9), int(seconds * 1.1)) if figures.bucket(s) == figures.bucket(seconds)]
        assert (max(same) - min(same)) / seconds < 0.035


def test_it_writes_figures_with_the_demo_so_the_dashboard_shows_them_at_once(client):
    call_command("demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="inspektur"))

    page = client.get(reverse("reports:dashboard"))

    assert page.status_code == 200
    received = [count for _label, count, _share in page.context["trend"]]
    assert sum(received) > 0
    assert any(share is not None for _label, _count, share in page.context["trend"])
    assert page.context["this_month"].received + page.context["last_month"].received > 0
    kept = rollups()
    figures.rebuild_stats(everything=True)
    assert rollups() == kept


def test_it_fills_the_rollups_after_migrating_a_database_from_before_them(unit, staff):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from pengaduan.complaints.figure_models import ComplaintFigure

    random_workload(unit, staff, seed=4, actions=40)
    kept = rollups()
    for model in (ComplaintFigure, DayCount, StepDay, StepMonth, AnswerDay):
        model.objects.all().delete()

    post_migrate.send(sender=apps.get_app_config("complaints"), app_config=apps.get_app_config("complaints"),
                      verbosity=0, interactive=False, using="default", apps=apps, plan=[])

    assert rollups() == kept
