"""Nothing lost, nothing half-written: a bounded load over HTTP, and a writer killed in the middle."""

import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from pengaduan.complaints.models import Complaint, RegisterCounter, StepRun
from pengaduan.portal import forms as portal_forms
from pengaduan.throttle import services as throttle
from factories import intake_data

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITTERS = 8
PER_SUBMITTER = 5


def _post_form(base, path, data, cookies=None):
    """GET the form (for the CSRF cookie), then POST it like a browser; returns the status code."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    request = urllib.request.Request(base + path)
    if cookies:
        request.add_header("Cookie", cookies)
    opener.open(request, timeout=30).read()
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    post = urllib.request.Request(base + path, data=body, method="POST")
    post.add_header("Cookie", "; ".join(filter(None, [cookies, f"csrftoken={token}"])))
    post.add_header("Referer", base + path)
    try:
        return opener.open(post, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_every_accepted_submission_is_stored_once_with_gapless_numbers(live_server, unit, staff, monkeypatch):
    monkeypatch.setattr(portal_forms, "MIN_FILL_SECONDS", 0)
    monkeypatch.setattr(throttle, "SUBMIT", throttle.Limit("submit", 10**6, timedelta(hours=1)))
    session = Client()
    session.force_login(staff["jfu"])
    jfu_cookie = f"sessionid={session.cookies['sessionid'].value}"
    started = time.monotonic()

    def submit(index):
        results = []
        for number in range(PER_SUBMITTER):
            label = f"beban-{index}-{number}"
            if number % 2:  # a walk-in recorded by the JFU: takes a register number
                data = {k: v for k, v in intake_data(summary=label).items()}
                results.append((label, _post_form(live_server.url, "/kerja/catat/", data, jfu_cookie)))
            else:  # a citizen's web form
                data = {"complaint_type": "pengaduan", "summary": label, "description": "Uji beban.",
                        "subject": "Dinas", "is_anonymous": "on", "privacy_ack": "on",
                        "token": portal_forms.form_token()}
                results.append((label, _post_form(live_server.url, "/pengaduan/baru/", data)))
        return results

    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        outcomes = [result for batch in pool.map(submit, range(SUBMITTERS)) for result in batch]
    assert time.monotonic() - started < 120
    assert all(status < 500 for _label, status in outcomes), outcomes
    accepted = [label for label, status in outcomes if status == 302]
    assert len(accepted) == SUBMITTERS * PER_SUBMITTER
    for label in accepted:
        assert Complaint.objects.filter(summary=label).count() == 1
    numbers = sorted(Complaint.objects.exclude(register_seq=None).values_list("register_seq", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == SUBMITTERS * (PER_SUBMITTER // 2)


WRITER = """
import os, sys, django
django.setup()
from pengaduan.complaints.engine import complaint_record
from pengaduan.units.models import Unit
from django.contrib.auth import get_user_model
unit = Unit.objects.get(pk=int(sys.argv[1]))
jfu = get_user_model().objects.get(pk=int(sys.argv[2]))
data = dict(channel="walk_in", complainant_name="Uji", summary="Uji putus", description="Uji", subject="Dinas")
print("ready", flush=True)
while True:
    complaint_record(unit=unit, actor=jfu, data=data)
"""


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (f"postgres://{settings['USER']}:{settings.get('PASSWORD') or ''}@{settings['HOST']}:{settings['PORT']}"
            f"/{settings['NAME']}")


def test_a_writer_killed_mid_way_leaves_nothing_half_written(unit, jfu):
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "pengaduan.settings"}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(unit.pk), str(jfu.pk)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        deadline = time.monotonic() + 30
        while Complaint.objects.count() < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(writer.pid, signal.SIGKILL)  # in the middle of whatever it was writing
    finally:
        writer.wait(timeout=10)
    recorded = Complaint.objects.count()
    assert recorded >= 15
    numbers = sorted(Complaint.objects.values_list("register_seq", flat=True))
    assert numbers == list(range(1, recorded + 1))  # every complaint recorded, numbered, gapless
    assert RegisterCounter.objects.get(unit=unit).last_number == recorded
    for complaint in Complaint.objects.all():
        runs = sorted(StepRun.objects.filter(complaint=complaint).values_list("number", "done_at"))
        assert [number for number, _done in runs] == [1, 2] and runs[0][1] is not None
        assert complaint.events.filter(kind="recorded").count() == 1
