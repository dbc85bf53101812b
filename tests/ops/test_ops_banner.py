"""The workdesk banner: administrators and superiors see that a background job stopped; a JFU does not."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command

from factories import make_user, wib

pytestmark = pytest.mark.django_db

START = wib(2026, 12, 3, 10, 42)
BANNER = "Pengingat tidak berjalan sejak 10:42."


@pytest.fixture
def administrator(unit):
    user = make_user("admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def inbox_at(client, user, moment):
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        return client.get("/kerja/").content.decode()


@pytest.fixture
def stopped_timer():
    with time_machine.travel(START, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))
    return START + timedelta(minutes=17)


def test_it_shows_the_banner_to_an_administrator(client, administrator, stopped_timer):
    page = inbox_at(client, administrator, stopped_timer)
    assert BANNER in page
    assert 'role="alert"' in page


def test_it_shows_the_banner_to_the_superiors_of_a_unit(client, sekretaris, inspektur, stopped_timer):
    assert BANNER in inbox_at(client, sekretaris, stopped_timer)
    assert BANNER in inbox_at(client, inspektur, stopped_timer)


def test_it_does_not_show_the_banner_to_a_jfu(client, jfu, stopped_timer):
    page = inbox_at(client, jfu, stopped_timer)
    assert "Pengingat" not in page and "job-alert" not in page


def test_it_shows_no_banner_while_the_timer_runs(client, administrator, stopped_timer):
    with time_machine.travel(stopped_timer, tick=False):
        call_command("remind", stdout=open("/dev/null", "w"))
    assert "job-alert" not in inbox_at(client, administrator, stopped_timer + timedelta(minutes=1))


def test_it_gives_the_date_when_the_job_stopped_on_an_earlier_day(client, administrator, stopped_timer):
    assert "Pengingat tidak berjalan sejak 3 Des 2026 10:42." in inbox_at(client, administrator,
                                                                         START + timedelta(days=1))


def test_it_speaks_english_when_english_was_chosen(client, administrator, stopped_timer):
    client.cookies["django_language"] = "en"
    assert "Reminders have not run since 10:42." in inbox_at(client, administrator, stopped_timer)


def test_it_reads_nothing_about_the_jobs_for_an_officer_who_may_not_see_the_banner(client, jfu, stopped_timer):
    """Whether the user may see the banner comes first (from the roles the page has read and the units' escalation
    roles kept per process): a JFU's page reads neither the jobs nor the units for it."""
    client.force_login(jfu)
    with time_machine.travel(stopped_timer, tick=False):
        client.get("/kerja/")  # warm: the session, the user's roles
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            client.get("/kerja/")
    assert not [query for query in queries.captured_queries if "jobs_job" in query["sql"]]
    assert not [query for query in queries.captured_queries
                if query["sql"].startswith('SELECT "units_unit"."id", "units_unit"."escalation_roles"')]
