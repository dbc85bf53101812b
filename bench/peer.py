"""Side by side with django-helpdesk: the same machine, the same gunicorn sync workers, one run, ratios.

Run:  BENCH_COMPLAINTS=2000 .venv/bin/python bench/peer.py           (or BENCH_ONLY=peer make bench)
      .venv/bin/python bench/peer.py --serving                       (the bare view under each serving option)
      .venv/bin/python bench/peer.py --ceiling                       (only the bare view, ours and the peer's)
      .venv/bin/python bench/peer.py --intake                        (only the public intake, ours and the peer's)

What it does, all under BENCH_WORK (default bench/work/, not committed):

* installs django-helpdesk (HELPDESK_VERSION, pinned) and the gunicorn version this project runs into its own
  virtualenv `helpdesk-venv/` (once; later runs reuse it) - never into the project's environment;
* writes a minimal Django project for it (settings generated here: Django's default middleware, one public
  queue, mail to the dummy backend as ours only queues mail under `serve --production`, a bare view);
* gives both a fresh database of the same engine (SQLite files in WAL mode; under scripts/with-postgres.sh
  two databases on the same throwaway server) and N complaints / N tickets with a follow-up each;
* serves Pengaduan with `pengaduan serve --production` as shipped and the peer with plain gunicorn, both with
  BENCH_WORKERS sync workers on 127.0.0.1;
* runs BENCH_ROUNDS (default 5) interleaved rounds (ours/theirs alternating who goes first) of: the bare-view ceiling,
  public intake (our /pengaduan/baru/ form POST vs the peer's /tickets/submit/, both with CSRF and a form
  read first), the staff list (our inbox /kerja/ vs the peer's /tickets/ page plus the data request its
  table makes) and the detail page (/kerja/pengaduan/<id>/ of a complaint at the decision, step 3, vs
  /tickets/<id>/), and our step-1 page (the JFU's, with the similar-case search) against the same ticket page;
* checks for loss: every submission carries its own marker; each database is asked afterwards, and every
  accepted (302) marker must be there exactly once, and nothing else;
* prints the table and writes it with the machine's description to bench/results/.

Load goes to 127.0.0.1 only and is bounded: each phase BENCH_SECONDS (default 5) and at most
BENCH_MAX_REQUESTS (default 20000) requests; pages at most PAGE_REQUESTS requests.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
HELPDESK_VERSION = "2.6.1"
PAGE_REQUESTS = 60
LOAD_PROCESSES = 2  # load generator processes, 8 threads each
PROXY = {"X-Forwarded-Proto": "https", "Host": "localhost"}  # what nginx adds in front (docs/deploy.md)
MARK = "BENCHMARK"  # each submission's text carries MARK-<process>-<thread>-<n>
MARK_RE = re.compile(MARK + r"-\d+-\d+-\d+")
# BENCH_CLIENT=http.client: the load loops' client of the results before 2026-12-03 19:00 (for comparison).
HTTP_CLIENT = os.environ.get("BENCH_CLIENT") == "http.client"


def env_int(name, default):
    return int(os.environ.get(name) or default)


# -- the machine ------------------------------------------------------------------------------------------------

def machine(db_versions: dict | None = None) -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    parts = [f"nproc {len(os.sched_getaffinity(0))}", model, f"{platform.python_implementation()} "
             f"{platform.python_version()}", f"load average before the run {load}"]
    for name, version in (db_versions or {}).items():
        parts.append(f"{name} {version}")
    return ", ".join(parts)


# -- HTTP -------------------------------------------------------------------------------------------------------

def request(port, method, path, *, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def raw_request(port, method, path, *, body=b"", headers) -> int:
    """One request on a new connection, written as bytes and read to the close: the load loops' client, which
    spends a third of http.client's CPU on a request (both servers share the two cores with it, so the less it
    takes, the less it narrows the ratios). The answer's status code."""
    head = [f"{method} {path} HTTP/1.1", f"Host: {headers.get('Host', HOST)}", "Connection: close"]
    head += [f"{name}: {value}" for name, value in headers.items() if name != "Host"]
    if body:
        head.append(f"Content-Length: {len(body)}")
    with socket.create_connection((HOST, port), timeout=60) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (body or b""))
        answer = sock.recv(65536)
        while chunk := sock.recv(65536):  # sync workers close the connection after each answer
            answer += chunk
    return int(answer[9:12])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cookie(headers, name) -> str:
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";")[0].split("=", 1)[1]
    raise RuntimeError(f"no {name} cookie in the answer")


def _worker(port, method, path, body, headers, seconds, threads, ident, results, expect, cap):
    stop = time.monotonic() + seconds
    cpu_started = time.process_time()
    counts = {"ok": 0, "errors": 0, "latencies": [], "accepted": []}
    lock = threading.Lock()

    def loop(thread):
        n = 0
        while time.monotonic() < stop:
            with lock:
                if counts["ok"] + counts["errors"] >= cap:
                    return
            n += 1
            extra = {"X-Real-IP": citizen_address(ident, thread, n)}  # one citizen per request, as nginx would say
            marker = f"{MARK}-{ident}-{thread}-{n}"
            data = body.replace(MARK.encode(), marker.encode()) if body else None
            started = time.perf_counter()
            try:
                if HTTP_CLIENT:
                    ok = request(port, method, path, body=data, headers={**headers, **extra})[0] == expect
                else:
                    ok = raw_request(port, method, path, body=data, headers={**headers, **extra}) == expect
            except (OSError, ValueError):
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                counts["ok" if ok else "errors"] += 1
                if ok:
                    counts["latencies"].append(elapsed)
                    if data:
                        counts["accepted"].append(marker)

    pool = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    counts["client_cpu"] = time.process_time() - cpu_started
    results.put(counts)


def citizen_address(ident: int, thread: int, n: int) -> str:
    """A client address of its own for every request of a run, in every round: the public form takes a few
    attempts an hour from one address (an address seen in every round would be refused from the sixth on).
    30 bits of (load process, thread, request) in 32.0.0.0-95.255.255.255; distinct while ident < 1024,
    thread < 64 and n < 16384 (a process makes at most BENCH_MAX_REQUESTS / 2 requests)."""
    value = (ident << 20 | thread << 14 | n) & 0x3FFFFFFF
    return f"{32 + (value >> 24)}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}"


def load(port, method, path, *, body=None, headers=None, expect=200, seconds=5.0, processes=LOAD_PROCESSES,
         threads=8, ident_base=0, pid=None) -> dict:
    """Closed loops of processes x threads, a new connection per request (sync workers close them); with the
    server's pid also its CPU time per request."""
    cpu_before, database_before = server_cpu(pid), postgres_cpu()
    cap = max(1, env_int("BENCH_MAX_REQUESTS", 20000) // processes)
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_worker, args=(port, method, path, body, headers or {}, seconds, threads,
                                                           ident_base + i, results, expect, cap))
             for i in range(processes)]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    totals = {"ok": 0, "errors": 0, "latencies": [], "accepted": [], "client_cpu": 0.0}
    for _ in procs:
        part = results.get()
        for key in totals:
            totals[key] += part[key]
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - started
    cpu, database = server_cpu(pid) - cpu_before, postgres_cpu() - database_before
    lat = sorted(totals["latencies"]) or [0.0]
    done = totals["ok"] + totals["errors"]
    return {"rate": totals["ok"] / elapsed, "errors": totals["errors"], "accepted": totals["accepted"],
            "cpu_ms": cpu * 1000 / done if done and pid else 0.0,
            "client_cpu_ms": totals["client_cpu"] * 1000 / done if done else 0.0,
            "database_cpu_ms": database * 1000 / done if done else 0.0,
            "p50": statistics.median(lat) * 1000, "p95": lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))] * 1000}


TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by a gunicorn master and its workers, the replaced ones included (a reaped
    child's time is in the master's cutime/cstime). Per request, it hardly depends on what else runs on the
    machine, unlike requests per second on cores shared with others."""
    if not pid:
        return 0.0

    def stat(p):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return int(fields[1]), [int(x) for x in fields[11:15]]  # ppid; utime stime cutime cstime

    master = stat(pid)
    if master is None:
        return 0.0
    total = sum(master[1])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(pid):
            child = stat(entry.name)
            if child and child[0] == pid:
                total += child[1][0] + child[1][1]
    return total / TICKS


def postgres_cpu() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (0 without a local server): the database's
    work for the requests, which neither the servers' CPU nor the load generator's counts."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm, rest = (entry / "stat").read_text().split("(", 1)[1].rsplit(")", 1)
            except (OSError, ValueError):
                continue
            if comm == "postgres":
                fields = rest.split()
                total += int(fields[11]) + int(fields[12])
    return total / TICKS


def latency(port, paths, headers, seconds) -> dict:
    """One request at a time; a page that needs several requests (page + its data) counts as their sum."""
    times, stop = [], time.monotonic() + seconds
    for attempt in range(PAGE_REQUESTS + 10):
        started = time.perf_counter()
        for path in paths:
            status, _h, _b = request(port, "GET", path, headers=headers)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
        if attempt >= 10:  # every worker warm
            times.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > stop and len(times) >= 5:
            break
    times.sort()
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "n": len(times)}


# -- the two sites ----------------------------------------------------------------------------------------------

SESSION_CODE = """
import json, sys
from importlib import import_module
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend
user = get_user_model().objects.get(username=sys.argv[1])
backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = backend
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.create()
print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "key": store.session_key}))
"""


class Site:
    name = ""
    python = PYTHON
    port = 0
    server = None

    def env(self) -> dict:
        raise NotImplementedError

    def run(self, *argv, code=None, cwd=None, check=True) -> str:
        cmd = [self.python, "-c", code, *argv] if code else [self.python, *argv]
        done = subprocess.run(cmd, env=self.env(), cwd=cwd or self.cwd, capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{self.name}: {' '.join(cmd[:4])} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def session(self, username) -> dict:
        answer = json.loads(self.run(username, code=SESSION_CODE).strip().splitlines()[-1])
        return {**PROXY, "Cookie": f"{answer['cookie']}={answer['key']}"}

    def start(self, argv, log: Path):
        self.port = free_port()
        argv = [part.replace("{port}", str(self.port)) for part in argv]
        self.server = subprocess.Popen(argv, env=self.env(), cwd=self.cwd, stdout=open(log, "w"),  # noqa: SIM115
                                       stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while True:
            try:
                if request(self.port, "GET", self.bare, headers=PROXY)[0] == 200:
                    return
            except OSError:
                pass
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start: " + log.read_text()[-3000:])
            time.sleep(0.3)

    def stop(self):
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
        self.server = None

    def markers(self) -> Counter:
        return Counter(json.loads(self.run(code=self.MARKERS_CODE).strip().splitlines()[-1]))


class Pengaduan(Site):
    name = "Pengaduan"
    bare = "/_bench/bare/"
    intake_path = "/pengaduan/baru/"
    MARKERS_CODE = f"""
import json, re
import django
django.setup()
from pengaduan.complaints.models import Complaint
rows = Complaint.objects.filter(description__contains="{MARK}-").values_list("description", flat=True)
print(json.dumps([m for text in rows for m in re.findall(r"{MARK_RE.pattern}", text)]))
"""

    def __init__(self, work: Path, database_url: str, extra_env: dict | None = None):
        self.cwd = ROOT
        self.data = work / "pengaduan-data"
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(parents=True)
        self.database_url = database_url
        self.extra_env = extra_env or {}

    def env(self):
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PENGADUAN_", "DJANGO_"))}
        return {**base, "PYTHONPATH": str(ROOT / "src"), "PENGADUAN_DATA_DIR": str(self.data),
                "DATABASE_URL": self.database_url, "PENGADUAN_BENCH_URLS": "true", "SITE_URL": "https://localhost",
                "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "pengaduan.settings", **self.extra_env}

    def prepare(self, count):
        self.run("-m", "pengaduan.cli", "migrate", "--noinput")
        self.run("-m", "pengaduan.cli", "demo")
        started = time.monotonic()
        self.run("-m", "pengaduan.cli", "seed", "--complaints", str(count))
        self.seed_seconds = time.monotonic() - started
        self.min_fill_seconds = float(self.run(code="""
import django
django.setup()
from pengaduan.portal.forms import MIN_FILL_SECONDS
print(MIN_FILL_SECONDS)
""").strip().splitlines()[-1])
        ids = self.run(code="""
import django
django.setup()
from pengaduan.complaints.models import Complaint
c = (Complaint.objects.filter(step_runs__done_at__isnull=True, step_runs__number=3).order_by("-received_at").first()
     or Complaint.objects.order_by("-pk").first())
first = (Complaint.objects.filter(unit_id=c.unit_id, step_runs__done_at__isnull=True, step_runs__number=1)
         .order_by("-received_at").first() or c)
print(c.pk, first.pk)
""").strip().splitlines()[-1].split()
        self.detail_id, self.step1_id = int(ids[0]), int(ids[1])

    def serve(self, workers, log):
        self.start([self.python, "-m", "pengaduan.cli", "serve", "--production", "--workers", str(workers),
                    "--bind", f"{HOST}:{{port}}"], log)

    def pages(self):
        return {"list": (self.session("jfu"), ["/kerja/"]),
                "detail": (self.session("inspektur"), [f"/kerja/pengaduan/{self.detail_id}/"]),
                # A complaint waiting at step 1: the JFU's page with the similar-case search.
                "step1": (self.session("jfu"), [f"/kerja/pengaduan/{self.step1_id}/"])}

    def intake_form(self):
        status, headers, body = request(self.port, "GET", self.intake_path, headers=PROXY)
        assert status == 200, f"GET {self.intake_path} answered {status}"
        fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', body.decode()))
        time.sleep(self.min_fill_seconds + 0.5)  # the form refuses answers faster than a person types
        form = {
            **fields, "complaint_type": "pengaduan", "summary": "Pungutan liar pengurusan KTP",
            "description": f"Petugas kelurahan meminta uang Rp50.000 agar KTP elektronik cepat selesai. {MARK}",
            "subject": "Kelurahan Manguharjo", "event_place": "Kantor Kelurahan Manguharjo",
            "complainant_name": "Siti Aminah", "complainant_phone": "081234567890", "is_confidential": "on",
            "privacy_ack": "on", "website": "",
        }
        headers = {**PROXY, "Content-Type": "application/x-www-form-urlencoded",
                   "Cookie": f"csrftoken={cookie(headers, 'csrftoken')}",
                   "Origin": "https://localhost", "Referer": "https://localhost/pengaduan/baru/"}
        return urllib.parse.urlencode(form).encode(), headers


HELPDESK_SETTINGS = """\"\"\"django-helpdesk's settings for the side-by-side benchmark (written by bench/peer.py; do not edit).\"\"\"
import os
from urllib.parse import urlsplit

SECRET_KEY = "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdsite.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages"]},
}]
WSGI_APPLICATION = "hdsite.wsgi.application"
_url = urlsplit(os.environ["HELPDESK_DATABASE_URL"])
if _url.scheme == "sqlite":
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": _url.path,
                             "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                         "transaction_mode": "IMMEDIATE", "timeout": 20},
                             "CONN_MAX_AGE": 60}}  # as ours: each worker keeps its connection
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": _url.path.lstrip("/"),
                             "USER": _url.username or "", "PASSWORD": _url.password or "",
                             "HOST": _url.hostname or "", "PORT": _url.port or "", "CONN_MAX_AGE": 60}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(os.path.dirname(__file__), "..", "static")
MEDIA_ROOT = os.path.join(os.path.dirname(__file__), "..", "media")
SITE_ID = 1
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_PUBLIC_TICKET_QUEUE = "public"
HELPDESK_PUBLIC_TICKET_PRIORITY = 3
HELPDESK_PUBLIC_TICKET_DUE_DATE = None
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"stderr": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["stderr"], "level": "WARNING"}}
"""

HELPDESK_URLS = """from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/bare/", bare),
    path("admin/", admin.site.urls),
    path("", include("helpdesk.urls", namespace="helpdesk")),
]
"""

HELPDESK_WSGI = """import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdsite.settings")
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
"""

HELPDESK_SEED = """
import sys, random, time
from datetime import timedelta
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

count = int(sys.argv[1])
User = get_user_model()
staff = User.objects.create_superuser("staff", "staff@example.invalid", "bench-password-1")
queue = Queue.objects.create(title="Public", slug="public", allow_public_submission=True,
                             email_address="helpdesk@example.invalid")
random.seed(7)
now = timezone.now()
started = time.monotonic()
batch = 5000
for first in range(0, count, batch):
    with transaction.atomic():
        tickets = Ticket.objects.bulk_create([
            Ticket(title=f"Pungutan liar pengurusan KTP {n}", queue=queue, submitter_email=f"warga{n}@example.invalid",
                   description="Petugas kelurahan meminta uang agar KTP elektronik cepat selesai dicetak.",
                   created=now - timedelta(minutes=random.randint(0, 3 * 365 * 24 * 60)), modified=now,
                   status=random.choice([1, 1, 1, 2, 3, 4]), priority=3,
                   assigned_to=staff if n % 3 else None)
            for n in range(first, min(count, first + batch))
        ])
        FollowUp.objects.bulk_create([FollowUp(ticket=t, title="Ticket Opened Via Web", date=t.created,
                                               comment=t.description, public=True) for t in tickets])
print(time.monotonic() - started)
"""


class Helpdesk(Site):
    name = "django-helpdesk " + HELPDESK_VERSION
    bare = "/_bench/bare/"
    intake_path = "/tickets/submit/"
    MARKERS_CODE = f"""
import json, re
import django
django.setup()
from helpdesk.models import Ticket
rows = Ticket.objects.filter(description__contains="{MARK}-").values_list("description", flat=True)
print(json.dumps([m for text in rows for m in re.findall(r"{MARK_RE.pattern}", text)]))
"""

    def __init__(self, work: Path, database_url: str):
        self.venv = work.parent / "helpdesk-venv"  # kept between runs (work is the run's folder)
        self.python = str(self.venv / "bin" / "python")
        self.cwd = work / "helpdesk-site"
        self.database_url = database_url

    def env(self):
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("PENGADUAN_", "DJANGO_", "PYTHON")) and k != "DATABASE_URL"}
        return {**base, "DJANGO_SETTINGS_MODULE": "hdsite.settings", "HELPDESK_DATABASE_URL": self.database_url,
                "PYTHONPATH": str(self.cwd)}

    def install(self, postgres: bool):
        """Its own virtualenv with the pinned release (from the package index) and our gunicorn's version."""
        import gunicorn

        wanted = [f"django-helpdesk=={HELPDESK_VERSION}", f"gunicorn=={gunicorn.__version__}"]
        if postgres:
            import psycopg

            wanted.append(f"psycopg[binary]=={psycopg.__version__}")
        stamp = self.venv / ".bench-installed"
        if not stamp.exists() or stamp.read_text() != "\n".join(wanted):
            if not (self.venv / "bin" / "python").exists():
                subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
            subprocess.run([self.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted],
                           check=True)
            stamp.write_text("\n".join(wanted))
        package = self.cwd / "hdsite"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
        (package / "settings.py").write_text(HELPDESK_SETTINGS)
        (package / "urls.py").write_text(HELPDESK_URLS)
        (package / "wsgi.py").write_text(HELPDESK_WSGI)

    def prepare(self, count):
        self.run("-m", "django", "migrate", "--noinput")
        self.run("-m", "django", "loaddata", "emailtemplate")
        self.run("-m", "django", "collectstatic", "--noinput", "--verbosity", "0")
        self.seed_seconds = float(self.run(str(count), code=HELPDESK_SEED).strip().splitlines()[-1])
        self.detail_id = int(self.run(code="""
import django
django.setup()
from helpdesk.models import Ticket
print(Ticket.objects.filter(status=1).order_by("-created").first().pk)
""").strip().splitlines()[-1])

    def serve(self, workers, log):
        self.start([self.python, "-m", "gunicorn", "hdsite.wsgi:application", "--bind", f"{HOST}:{{port}}",
                    "--workers", str(workers), "--worker-class", "sync", "--timeout", "30", "--preload"], log)

    def pages(self):
        headers = self.session("staff")
        status, _h, body = request(self.port, "GET", "/tickets/", headers=headers)
        assert status == 200, f"GET /tickets/ answered {status}"
        data = re.search(r'"url": "([^"]*datatables_ticket_list[^"]*)"', body.decode()).group(1)
        table = data + "?draw=1&start=0&length=25&order%5B0%5D%5Bcolumn%5D=5&order%5B0%5D%5Bdir%5D=desc"
        ticket = (headers, [f"/tickets/{self.detail_id}/"])
        return {"list": (headers, ["/tickets/", table]), "detail": ticket, "step1": ticket}

    def intake_form(self):
        status, headers, body = request(self.port, "GET", self.intake_path, headers=PROXY)
        assert status == 200, f"GET {self.intake_path} answered {status}"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
        form = {"csrfmiddlewaretoken": token, "title": "Pungutan liar pengurusan KTP",
                "body": f"Petugas kelurahan meminta uang Rp50.000 agar KTP elektronik cepat selesai. {MARK}",
                "submitter_email": "siti.aminah@example.invalid"}
        headers = {**PROXY, "Content-Type": "application/x-www-form-urlencoded",
                   "Cookie": f"csrftoken={cookie(headers, 'csrftoken')}",
                   # gunicorn believes X-Forwarded-Proto from loopback, so the request counts as HTTPS
                   "Origin": "https://localhost", "Referer": "https://localhost/tickets/submit/"}
        return urllib.parse.urlencode(form).encode(), headers


# -- the run ----------------------------------------------------------------------------------------------------

def database_urls(work: Path) -> tuple[str, str, str]:
    """(engine, ours, theirs): two SQLite files, or two databases on DATABASE_URL's PostgreSQL server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        for name in ("pengaduan.sqlite3", "helpdesk.sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                (work / (name + suffix)).unlink(missing_ok=True)
        return "sqlite", f"sqlite:///{work / 'pengaduan.sqlite3'}", f"sqlite:///{work / 'helpdesk.sqlite3'}"
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("bench_pengaduan", "bench_helpdesk"):
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")

    def on(name):
        return urllib.parse.urlunsplit(parts._replace(path="/" + name))

    return "postgresql", on("bench_pengaduan"), on("bench_helpdesk")


def db_versions(engine: str) -> dict:
    if engine == "sqlite":
        import sqlite3

        return {"SQLite": sqlite3.sqlite_version}
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        return {"PostgreSQL": conn.execute("SHOW server_version").fetchone()[0]}


def ratio(ours, theirs, *, higher_is_better=True):
    if not ours or not theirs:
        return "-"
    return f"{(ours / theirs if higher_is_better else theirs / ours):.2f}x"


def paired(ours: list, theirs: list, key: str = "rate", *, higher_is_better=True) -> str:
    """The median of each round's own ratio. A round of ours and the peer's of the same round run one right after
    the other, so a slower or faster minute of a shared machine weighs on both sides of a pair and cancels out of
    its ratio, where it does not out of the ratio of two medians."""
    pairs = [(a[key] / b[key] if higher_is_better else b[key] / a[key]) for a, b in zip(ours, theirs)
             if a[key] and b[key]]
    if not pairs:
        return "-"
    return f"{statistics.median(pairs):.2f}x (rounds {', '.join(f'{p:.2f}' for p in pairs)})"


def peer(count: int, rounds: int, seconds: float, workers: int, work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    engine, ours_url, theirs_url = database_urls(work)
    versions = db_versions(engine)
    state = machine(versions)
    ours, theirs = Pengaduan(work, ours_url), Helpdesk(work, theirs_url)
    theirs.install(postgres=engine == "postgresql")
    print(f"Seeding {count:,} complaints and {count:,} tickets on {engine} ...", flush=True)
    ours.prepare(count)
    theirs.prepare(count)
    sites = (ours, theirs)
    runs: dict = {site.name: {"ceiling": [], "intake": [], "list": [], "detail": [], "step1": []} for site in sites}
    accepted = {site.name: Counter() for site in sites}
    try:
        for site in sites:
            site.serve(workers, work / f"{site.__class__.__name__.lower()}.log")
        forms = {site.name: site.intake_form() for site in sites}
        pages = {site.name: site.pages() for site in sites}
        before = {site.name: site.markers() for site in sites}
        for number in range(rounds):
            order = sites if number % 2 == 0 else sites[::-1]
            print(f"Round {number + 1}/{rounds}: {order[0].name} first", flush=True)
            for site in order:
                runs[site.name]["ceiling"].append(load(site.port, "GET", site.bare, headers=PROXY, seconds=seconds,
                                                       pid=site.server.pid))
            for site in order:
                body, headers = forms[site.name]
                result = load(site.port, "POST", site.intake_path, body=body, headers=headers, expect=302,
                              seconds=seconds, ident_base=LOAD_PROCESSES * number, pid=site.server.pid)
                accepted[site.name].update(result["accepted"])
                runs[site.name]["intake"].append(result)
            for kind in ("list", "detail", "step1"):
                for site in order:
                    headers, paths = pages[site.name][kind]
                    runs[site.name][kind].append(latency(site.port, paths, headers, seconds))
    finally:
        for site in sites:
            site.stop()
    loss = {}
    for site in sites:
        landed = site.markers() - before[site.name]
        sent = accepted[site.name]
        missing = sent - landed
        extra = landed - sent
        twice = sum(1 for _m, n in landed.items() if n > 1)
        loss[site.name] = (f"{sum(sent.values()):,} accepted, {sum(landed.values()):,} in the database; "
                           f"missing {sum(missing.values())}, duplicated {twice}, unexpected {sum(extra.values())}")
        loss[site.name + ":ok"] = not missing and not extra and not twice

    def agg(name, kind, key):
        values = [r[key] for r in runs[name][kind]]
        return statistics.median(values) if values else 0.0

    a, b = ours.name, theirs.name
    rows = [("", a, b, "ratio (ours vs peer)")]
    for kind, label in (("ceiling", "bare view ceiling (req/s)"), ("intake", "public intake POST (req/s)")):
        errors = [sum(r["errors"] for r in runs[n][kind]) for n in (a, b)]
        rows.append((label, f"{agg(a, kind, 'rate'):.0f} ({errors[0]} err)", f"{agg(b, kind, 'rate'):.0f} "
                     f"({errors[1]} err)", ratio(agg(a, kind, "rate"), agg(b, kind, "rate"))))
        rows.append((f"  {kind}: median of the rounds' own ratios", "", "", paired(runs[a][kind], runs[b][kind])))
        rows.append((f"  {kind}: server CPU per request (ms)", f"{agg(a, kind, 'cpu_ms'):.2f}",
                     f"{agg(b, kind, 'cpu_ms'):.2f}", ratio(agg(a, kind, "cpu_ms"), agg(b, kind, "cpu_ms"),
                                                            higher_is_better=False)))
        rows.append((f"  {kind}: load generator CPU per request (ms)", f"{agg(a, kind, 'client_cpu_ms'):.2f}",
                     f"{agg(b, kind, 'client_cpu_ms'):.2f}", ""))
        if engine == "postgresql":
            rows.append((f"  {kind}: PostgreSQL server CPU per request (ms)", f"{agg(a, kind, 'database_cpu_ms'):.2f}",
                         f"{agg(b, kind, 'database_cpu_ms'):.2f}", ""))
        rows.append((f"  {kind} p50 / p95 under load (ms)", f"{agg(a, kind, 'p50'):.0f} / {agg(a, kind, 'p95'):.0f}",
                     f"{agg(b, kind, 'p50'):.0f} / {agg(b, kind, 'p95'):.0f}",
                     "p95 " + ratio(agg(a, kind, "p95"), agg(b, kind, "p95"), higher_is_better=False)))
    for kind, label in (("list", "staff list p50 / p95 (ms)"), ("detail", "detail page p50 / p95 (ms)"),
                        ("step1", "step-1 page (similar cases) vs ticket")):
        rows.append((label, f"{agg(a, kind, 'p50'):.1f} / {agg(a, kind, 'p95'):.1f}",
                     f"{agg(b, kind, 'p50'):.1f} / {agg(b, kind, 'p95'):.1f}",
                     f"p50 {ratio(agg(a, kind, 'p50'), agg(b, kind, 'p50'), higher_is_better=False)} faster"))
    rows.append(("loss check", "ok" if loss[a + ":ok"] else "FAILED", "ok" if loss[b + ":ok"] else "FAILED", ""))
    rows.append(("seed (s)", f"{ours.seed_seconds:.0f}", f"{theirs.seed_seconds:.0f}", ""))
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = [
        f"Side by side: Pengaduan vs django-helpdesk {HELPDESK_VERSION}, N = {count:,} complaints / tickets, "
        f"{engine}, {workers} gunicorn sync workers each, {rounds} interleaved rounds of {seconds:g} s per phase "
        f"(medians of the rounds); load 2 processes x 8 threads on 127.0.0.1, a new connection per request "
        f"({'http.client' if HTTP_CLIENT else 'requests written as bytes on a socket'})",
        f"Machine: {state}",
        f"Pengaduan: `pengaduan serve --production` as shipped ({serving_summary(ours.env())}); "
        "peer: gunicorn defaults (no recycling, no access log), Django's default middleware",
    ]
    for index, row in enumerate(rows):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [f"loss {name}: {loss[name]}" for name in (a, b)]
    return "\n".join(lines)


def serving_summary(env) -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from pengaduan.ops import serving

    if not hasattr(serving, "describe"):  # a checkout from before serving became configurable
        return "workers replaced after 2000 (+-200) requests, access log to stdout"
    return serving.describe(env)


# -- serving options: the bare view of Pengaduan under each ---------------------------------------------------

SERVING_OPTIONS = [
    ("--max-requests 2000 (+-200), access log to stdout (before)",
     {"PENGADUAN_MAX_REQUESTS": "2000", "PENGADUAN_MAX_REQUESTS_JITTER": "200", "PENGADUAN_ACCESS_LOG": "-"}),
    ("--max-requests 2000 (+-200), no access log",
     {"PENGADUAN_MAX_REQUESTS": "2000", "PENGADUAN_MAX_REQUESTS_JITTER": "200", "PENGADUAN_ACCESS_LOG": ""}),
    ("no recycling, access log to stdout", {"PENGADUAN_MAX_REQUESTS": "0", "PENGADUAN_ACCESS_LOG": "-"}),
    ("--max-requests 100000 (+-10000), no access log",
     {"PENGADUAN_MAX_REQUESTS": "100000", "PENGADUAN_MAX_REQUESTS_JITTER": "10000", "PENGADUAN_ACCESS_LOG": ""}),
    ("no recycling, no access log", {"PENGADUAN_MAX_REQUESTS": "0", "PENGADUAN_ACCESS_LOG": ""}),
    ("--max-requests 100000 (+-10000), no access log, heartbeat in /tmp",
     {"PENGADUAN_MAX_REQUESTS": "100000", "PENGADUAN_MAX_REQUESTS_JITTER": "10000", "PENGADUAN_ACCESS_LOG": "",
      "PENGADUAN_WORKER_TMP_DIR": "/tmp"}),
    ("--max-requests 100000 (+-10000), no access log, heartbeat in /dev/shm",
     {"PENGADUAN_MAX_REQUESTS": "100000", "PENGADUAN_MAX_REQUESTS_JITTER": "10000", "PENGADUAN_ACCESS_LOG": "",
      "PENGADUAN_WORKER_TMP_DIR": "/dev/shm"}),
]


def serving(rounds: int, seconds: float, workers: int, work: Path) -> str:
    """Every option's server runs for the whole measurement (idle when it is not its turn), so the rounds can
    be short and many: on a shared machine the load of others changes from second to second."""
    work.mkdir(parents=True, exist_ok=True)
    engine, ours_url, _theirs = database_urls(work)
    state = machine(db_versions(engine))
    sites = [(label, Pengaduan(work / f"serving-{i}", ours_url, env)) for i, (label, env) in enumerate(SERVING_OPTIONS)]
    sites[0][1].run("-m", "pengaduan.cli", "migrate", "--noinput")
    rates: dict = {label: [] for label, _site in sites}
    try:
        for _label, site in sites:
            site.serve(workers, site.data / "server.log")
        for number in range(rounds):
            order = sites if number % 2 == 0 else sites[::-1]
            for label, site in order:
                rates[label].append(load(site.port, "GET", site.bare, headers=PROXY, seconds=seconds,
                                         pid=site.server.pid))
    finally:
        for _label, site in sites:
            site.stop()
    lines = [f"Bare-view ceiling of `pengaduan serve --production` by serving option: {workers} sync workers, "
             f"{rounds} interleaved rounds of {seconds:g} s (median), load 2 x 8 threads on 127.0.0.1",
             f"Machine: {state}"]
    width = max(len(label) for label in rates)
    base = statistics.median(r["rate"] for r in rates[SERVING_OPTIONS[0][0]])
    base_cpu = statistics.median(r["cpu_ms"] for r in rates[SERVING_OPTIONS[0][0]])
    lines.append(f"{'option'.ljust(width)}  req/s (x before)    p95 ms  server CPU ms/request (x before)  rounds req/s")
    for label, results in rates.items():
        rate = statistics.median(r["rate"] for r in results)
        p95 = statistics.median(r["p95"] for r in results)
        cpu = statistics.median(r["cpu_ms"] for r in results)
        errors = sum(r["errors"] for r in results)
        runs_ = ", ".join(f"{r['rate']:.0f}" for r in results)
        lines.append(f"{label.ljust(width)}  {rate:5.0f} ({rate / base:4.2f}x)  {p95:8.0f}  {cpu:10.3f} "
                     f"({cpu / base_cpu:4.2f}x){' ' * 14}{runs_}" + (f" ({errors} errors)" if errors else ""))
    return "\n".join(lines)


def single_phase(phase: str, count: int, rounds: int, seconds: float, workers: int, work: Path) -> str:
    """Only one phase, ours and the peer's, interleaved: `ceiling`, the bare view (empty databases: the view reads
    none), the quick check of the middleware stack and the serving options; or `intake`, the public intake with
    its loss check, the quick check of the write path (the full run measures both among the other phases)."""
    work.mkdir(parents=True, exist_ok=True)
    engine, ours_url, theirs_url = database_urls(work)
    state = machine(db_versions(engine))
    ours, theirs = Pengaduan(work, ours_url), Helpdesk(work, theirs_url)
    theirs.install(postgres=engine == "postgresql")
    if phase == "intake":
        ours.prepare(count)
        theirs.prepare(count)
    else:
        ours.run("-m", "pengaduan.cli", "migrate", "--noinput")
        theirs.run("-m", "django", "migrate", "--noinput")
    sites = (ours, theirs)
    runs: dict = {site.name: [] for site in sites}
    accepted = {site.name: Counter() for site in sites}
    landed = {}
    try:
        for site in sites:
            site.serve(workers, work / f"{site.__class__.__name__.lower()}.log")
        forms = {site.name: site.intake_form() for site in sites} if phase == "intake" else {}
        before = {site.name: site.markers() for site in sites} if phase == "intake" else {}
        for number in range(rounds):
            for site in sites if number % 2 == 0 else sites[::-1]:
                if phase == "intake":
                    body, headers = forms[site.name]
                    result = load(site.port, "POST", site.intake_path, body=body, headers=headers, expect=302,
                                  seconds=seconds, ident_base=LOAD_PROCESSES * number, pid=site.server.pid)
                    accepted[site.name].update(result["accepted"])
                else:
                    result = load(site.port, "GET", site.bare, headers=PROXY, seconds=seconds, pid=site.server.pid)
                runs[site.name].append(result)
        landed = {site.name: site.markers() - before[site.name] for site in sites} if phase == "intake" else {}
    finally:
        for site in sites:
            site.stop()

    def agg(name, key):
        return statistics.median(r[key] for r in runs[name])

    a, b = ours.name, theirs.name
    title = "Bare-view ceiling" if phase == "ceiling" else f"Public intake, N = {count:,}"
    lines = [f"{title}: Pengaduan vs django-helpdesk {HELPDESK_VERSION}, {engine}, {workers} gunicorn sync workers "
             f"each, {rounds} interleaved rounds of {seconds:g} s (median), load 2 x 8 threads on 127.0.0.1 "
             f"({'http.client' if HTTP_CLIENT else 'requests written as bytes on a socket'})",
             f"Machine: {state}",
             f"Pengaduan: `pengaduan serve --production` as shipped ({serving_summary(ours.env())})"]
    for name in (a, b):
        errors = sum(r["errors"] for r in runs[name])
        loss = (f"; loss check {'ok' if accepted[name] == landed[name] else 'FAILED'}" if phase == "intake" else "")
        lines.append(f"{name}: {agg(name, 'rate'):.0f} req/s ({errors} errors), server CPU {agg(name, 'cpu_ms'):.3f} "
                     f"ms/request, load generator {agg(name, 'client_cpu_ms'):.2f} ms/request, "
                     + (f"PostgreSQL {agg(name, 'database_cpu_ms'):.2f} ms/request, " if engine == "postgresql" else "")
                     + "p50/p95 "
                     f"{agg(name, 'p50'):.0f}/{agg(name, 'p95'):.0f} ms{loss}; rounds "
                     + ", ".join(f"{r['rate']:.0f}" for r in runs[name]))
    lines.append(f"ratio (ours vs peer): {phase} {ratio(agg(a, 'rate'), agg(b, 'rate'))}, server CPU per request "
                 f"{ratio(agg(a, 'cpu_ms'), agg(b, 'cpu_ms'), higher_is_better=False)}")
    lines.append(f"median of the rounds' own ratios: {phase} {paired(runs[a], runs[b])}; server CPU per request "
                 f"{paired(runs[a], runs[b], 'cpu_ms', higher_is_better=False)}")
    return "\n".join(lines)


def write_result(text: str, kind: str) -> Path:
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    path = folder / f"{datetime.now(UTC):%Y%m%d-%H%M}-{kind}.txt"
    path.write_text(text + "\n")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=env_int("BENCH_COMPLAINTS", 2000))
    # Five: on a shared host one round in three or four runs in a slow phase of the machine for one side only
    # (the intake's round ratios of one run spread 1.6-2.2 on the same code); the median of five holds.
    parser.add_argument("--rounds", type=int, default=env_int("BENCH_ROUNDS", 5))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS") or 5))
    parser.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 4))
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("BENCH_WORK") or ROOT / "bench" / "work"))
    parser.add_argument("--serving", action="store_true", help="only the bare view under each serving option")
    parser.add_argument("--ceiling", action="store_true", help="only the bare-view ceiling, ours and the peer's")
    parser.add_argument("--intake", action="store_true", help="only the public intake, ours and the peer's")
    parser.add_argument("--no-save", action="store_true", help="print only; write nothing to bench/results/")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.serving:
        text, kind = serving(args.rounds, args.seconds, args.workers, args.work / "run"), "serving"
    elif args.ceiling or args.intake:
        kind = "ceiling" if args.ceiling else "intake"
        text = single_phase(kind, args.complaints, args.rounds, args.seconds, args.workers, args.work / "run")
    else:
        text, kind = peer(args.complaints, args.rounds, args.seconds, args.workers, args.work / "run"), "peer"
    print(text)
    if not args.no_save:
        print(f"written to {write_result(text, kind).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
