"""`make bench`: Pengaduan at N complaints on SQLite and PostgreSQL, one table.

Run:  BENCH_COMPLAINTS=100000 .venv/bin/python bench/run.py        (default N = 1 000 000)

For each database: a fresh database in a temporary data directory (PostgreSQL: a throwaway server on loopback
from scripts/with-postgres.sh, never DATABASE_URL's), `pengaduan demo`, `pengaduan seed` with N complaints,
then `pengaduan serve --production` (gunicorn, 2 x cores + 1 workers, HTTPS settings on, as behind nginx) on
a free loopback port, and:

* intake throughput: the public form POSTed by a loopback load generator (processes x threads of http.client,
  a new connection per request as gunicorn's sync workers close them), next to a bare Django view through
  the same middleware (`pengaduan.ops.bench_urls`, on only with PENGADUAN_BENCH_URLS) as the ceiling.
  Nothing is relaxed: the form's signed token is fetched once and used after MIN_FILL_SECONDS, and each
  request carries its own X-Real-IP as nginx would for different citizens (believed from loopback only,
  `pengaduan.ops.wsgi`), so the per-address limit is counted but never reached.
* p50/p95 latency of staff pages over HTTP, one request at a time, logged in as the page's user.
* SQL queries per page, counted in-process with CaptureQueriesContext.

Then (unless BENCH_ONLY=own) the side-by-side run with django-helpdesk, bench/peer.py, on each database;
BENCH_ONLY=peer runs only that.

Bounded: each load phase runs BENCH_SECONDS (default 10), each page at most 40 requests (after warm-up requests for every worker) or 30 s (a request
cut by gunicorn's 30 s timeout counts as failed).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGE_REQUESTS, PAGE_SECONDS = 40, 30
# Each gunicorn worker compiles templates and loads catalogues on its first requests; those are not the
# steady state a page's p95 is about, so every worker gets some warm-up requests (the server's own count).
WARM_UP = 3 * (2 * (os.cpu_count() or 1) + 1)
HOST = "127.0.0.1"
TARGETS = {"intake": 0.5, "inbox": 50, "register": 50, "complaint": 50, "team": 100}


# -- the parent: one child per database, then the table -------------------------------------------------------

def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} x {model}, {platform.python_implementation()} {platform.python_version()}"


def run_child(backend: str, count: int, out: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    argv = [PYTHON, str(Path(__file__).resolve()), "--child", backend, "--complaints", str(count), "--out", str(out)]
    if backend == "postgresql":
        argv = [str(ROOT / "scripts" / "with-postgres.sh"), *argv]
    started = time.monotonic()
    result = subprocess.run(argv, env=env, cwd=ROOT)
    if result.returncode or not out.exists():
        return {"failed": f"exit {result.returncode}", "seconds": time.monotonic() - started}
    return json.loads(out.read_text())


def fmt_ms(pair):
    return f"{pair[0]:.0f} / {pair[1]:.0f}" if pair else "-"


def table(results: dict, count: int, seconds: float) -> str:
    backends = list(results)
    rows = [("", *[{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[b] for b in backends], "target")]

    def row(label, getter, target=""):
        cells = []
        for backend in backends:
            result = results[backend]
            try:
                cells.append("failed: " + result["failed"] if "failed" in result else getter(result))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("-")
        rows.append((label, *cells, target))

    row("seed N complaints (s, rows/s)", lambda r: f"{r['seed_seconds']:.0f} s, {r['seed_rows'] / r['seed_seconds']:,.0f}/s")
    row("intake: public form POST (req/s)", lambda r: f"{r['intake']['rate']:.0f} ({r['intake']['errors']} errors)")
    row("ceiling: bare view (req/s)", lambda r: f"{r['bare']['rate']:.0f} ({r['bare']['errors']} errors)")
    row("intake / ceiling", lambda r: f"{r['intake']['rate'] / r['bare']['rate']:.0%}", ">= 50%")
    row("intake: JSON API /api/v1/", lambda r: r["api"])
    for key, label in (("inbox", "inbox /kerja/ (jfu)"), ("register", "register /kerja/buku-pengaduan/"),
                       ("complaint", "complaint /kerja/pengaduan/<id>/"), ("team", "overdue dashboard /kerja/tim/")):
        row(f"{label} p50 / p95 ms", lambda r, key=key: fmt_ms(r["pages"][key]["ms"]) + r["pages"][key].get("note", ""),
            f"p95 <= {TARGETS[key]} ms")
    row("  response size (kB)", lambda r: " / ".join(f"{r['pages'][k]['kb']:.0f}" for k in
                                                      ("inbox", "register", "complaint", "team")), "inbox/reg/compl/team")
    row("SQL queries: inbox/register/complaint/team/status",
        lambda r: " / ".join(str(r["queries"][k]) for k in ("inbox", "register", "complaint", "team", "status")),
        "constant")
    row("XLSX export of the whole register", lambda r: r["xlsx"], "peak < 200 MB")
    row("open steps / overdue / register year rows", lambda r: f"{r['shape']['open']:,} / {r['shape']['overdue']:,} / "
                                                              f"{r['shape']['register_rows']:,}")
    row("child run time (s)", lambda r: f"{r['seconds']:.0f}")
    widths = [max(len(str(line[i])) for line in rows) for i in range(len(rows[0]))]
    lines = [f"Pengaduan bench: N = {count:,} complaints, {machine()}, loopback, total {seconds:.0f} s",
             "gunicorn sync workers 2 x cores + 1; SQLite: WAL file; PostgreSQL: throwaway server (fsync off)"]
    for index, line in enumerate(rows):
        lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def parent(count: int, backends: list[str]) -> None:
    only = os.environ.get("BENCH_ONLY", "").strip()
    if only not in ("", "own", "peer"):
        sys.exit("BENCH_ONLY is own (this table) or peer (side by side with django-helpdesk, bench/peer.py).")
    if only != "peer":
        started = time.monotonic()
        results = {}
        with tempfile.TemporaryDirectory(prefix="pengaduan-bench-") as tmp:
            for backend in backends:
                results[backend] = run_child(backend, count, Path(tmp) / f"{backend}.json")
        print(table(results, count, time.monotonic() - started), flush=True)
    if only != "own":
        # The side-by-side part: seeding the peer is slower than ours, so it gets at most 100 000 by default.
        peer_count = int(os.environ.get("BENCH_PEER_COMPLAINTS") or min(count, 100_000))
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        for backend in backends:
            argv = [PYTHON, str(ROOT / "bench" / "peer.py"), "--complaints", str(peer_count)]
            if backend == "postgresql":
                argv = [str(ROOT / "scripts" / "with-postgres.sh"), *argv]
            subprocess.run(argv, env=env, cwd=ROOT)


# -- the child: one database ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def request(port, method, path, *, body=None, headers=None, timeout=60):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


PROXY = {"X-Forwarded-Proto": "https", "Host": "localhost"}  # what nginx adds in front (docs/deploy.md)


def _worker(port, method, path, body, headers, seconds, threads, ident, results, expect):
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def loop(thread):
        n = 0
        while time.monotonic() < stop:
            n += 1
            address = ((ident * 64 + thread) << 16) + n  # one citizen per request
            extra = {"X-Real-IP": f"10.{address >> 16 & 255}.{address >> 8 & 255}.{address & 255}"}
            try:
                status, _headers, _body = request(port, method, path, body=body, headers={**headers, **extra})
                ok = status == expect
            except OSError:
                ok = False
            with lock:
                counts["ok" if ok else "errors"] += 1

    pool = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put(counts)


def load(port, method, path, *, body=None, headers=None, expect=200, seconds=10, processes=2, threads=8) -> dict:
    """Requests per second that came back with `expect`, from processes x threads closed loops,
    after an unmeasured second of the same load (every worker warm)."""
    if seconds > 1:
        load(port, method, path, body=body, headers=headers, expect=expect, seconds=1, processes=processes,
             threads=threads)
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_worker, args=(port, method, path, body, headers or {}, seconds,
                                                           threads, i, results, expect)) for i in range(processes)]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    totals = {"ok": 0, "errors": 0}
    for _ in procs:
        for key, value in results.get().items():
            totals[key] += value
    for proc in procs:
        proc.join()
    elapsed = time.monotonic() - started
    return {"rate": totals["ok"] / elapsed, "errors": totals["errors"], "requests": totals["ok"] + totals["errors"]}


def intake_form(port) -> tuple[bytes, dict]:
    """A filled-in public form with a valid CSRF cookie and form token (used by every request of the run)."""
    from pengaduan.portal.forms import MIN_FILL_SECONDS

    status, headers, body = request(port, "GET", "/pengaduan/baru/", headers=PROXY)
    assert status == 200, f"GET /pengaduan/baru/ answered {status}"
    html = body.decode()
    csrf_cookie = next(value.split(";")[0].split("=", 1)[1] for name, value in headers
                       if name.lower() == "set-cookie" and value.startswith("csrftoken="))
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', html))
    time.sleep(MIN_FILL_SECONDS + 0.5)  # the form refuses answers faster than a person types
    form = {
        **fields, "complaint_type": "pengaduan", "summary": "Pungutan liar pengurusan KTP",
        "description": "Petugas kelurahan meminta uang Rp50.000 agar KTP elektronik cepat selesai dicetak.",
        "subject": "Kelurahan Manguharjo", "event_place": "Kantor Kelurahan Manguharjo",
        "complainant_name": "Siti Aminah", "complainant_phone": "081234567890", "is_confidential": "on",
        "privacy_ack": "on", "website": "",
    }
    headers = {**PROXY, "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}",
               "Origin": "https://localhost", "Referer": "https://localhost/pengaduan/baru/"}
    return urllib.parse.urlencode(form).encode(), headers


API_INTAKE = "/api/v1/public/complaints"


def api_intake(port, seconds) -> str:
    """The JSON API's public intake (same engine call as the form), if the API has one."""
    body = json.dumps({"summary": "Biaya tambahan untuk KTP", "subject": "Kelurahan Manguharjo",
                       "description": "Petugas loket meminta Rp50.000 agar KTP cepat selesai.",
                       "complainant_name": "Siti Aminah", "complainant_phone": "081234567890"}).encode()
    headers = {**PROXY, "Content-Type": "application/json", "Accept": "application/json"}
    status, _headers, answer = request(port, "POST", API_INTAKE, body=body, headers={**headers, "X-Real-IP": "192.0.2.2"})
    if status != 201:
        return f"skipped: POST {API_INTAKE} answered {status} {answer[:80]!r}"
    result = load(port, "POST", API_INTAKE, body=body, headers=headers, expect=201, seconds=seconds)
    return f"{result['rate']:.0f} req/s ({result['errors']} errors)"


XLSX_CODE = """
import json, os, sys, tempfile, time
from datetime import date
import django
django.setup()
from django.utils import timezone
from pengaduan.complaints.selectors import register_years
from pengaduan.reports.periods import Period
from pengaduan.reports.register import register_xlsx
from pengaduan.units.models import Unit

def status(key):  # kB -> MB, from /proc/self/status
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key)) / 1024

unit = Unit.objects.get(code="INSP")
period = Period.days(date(min(register_years(unit)), 1, 1), timezone.localdate())  # the whole register
open("/proc/self/clear_refs", "w").write("5")  # resets the peak (VmHWM), which a forked process inherits
base = status("VmRSS:")
with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
    started = time.perf_counter()
    rows = register_xlsx(out.name, unit=unit, period=period)
    seconds = time.perf_counter() - started
    size = os.path.getsize(out.name)
print(json.dumps({"rows": rows, "seconds": seconds, "base_mb": base, "peak_mb": status("VmHWM:"), "mb": size / 2**20}))
"""


def xlsx_export() -> str:
    """The whole register (every year, sheets of at most a million rows) as XLSX (reports.register), in a
    fresh process for its peak memory."""
    done = subprocess.run([PYTHON, "-c", XLSX_CODE], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        return "failed: " + done.stderr.strip().splitlines()[-1][:80]
    r = json.loads(done.stdout)
    return (f"{r['rows']:,} rows {r['seconds']:.0f} s, peak RSS {r['peak_mb']:.0f} MB "
            f"(+{r['peak_mb'] - r['base_mb']:.0f} over the idle process), {r['mb']:.0f} MB file")


def page_latency(port, path, cookie) -> dict:
    headers = {**PROXY, "Cookie": f"sessionid={cookie}"}
    times, size, stop = [], 0, time.monotonic() + PAGE_SECONDS
    for attempt in range(PAGE_REQUESTS + WARM_UP):
        started = time.perf_counter()
        try:
            status, _headers, body = request(port, "GET", path, headers=headers)
        except OSError as error:
            return {"ms": None, "kb": 0, "note": f" failed: {error}"}
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            why = "timeout: cut by gunicorn after 30 s" if elapsed > 29000 else f"HTTP {status} after {elapsed:.0f} ms"
            return {"ms": None, "kb": 0, "note": f" {why}"}
        size = len(body) / 1024
        if attempt >= WARM_UP or elapsed > 5000:  # warm-up requests, unless each takes long anyway
            times.append(elapsed)
        if time.monotonic() > stop and len(times) >= 3:
            break
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    note = f" (n={len(times)})" if len(times) < PAGE_REQUESTS else ""
    return {"ms": (statistics.median(times), p95), "kb": size, "note": note}


def child(backend: str, count: int, out: Path) -> None:
    started = time.monotonic()
    data_dir = Path(tempfile.mkdtemp(prefix=f"pengaduan-bench-{backend}-"))
    os.environ["PENGADUAN_DATA_DIR"] = str(data_dir)
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    elif not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("The PostgreSQL bench runs under scripts/with-postgres.sh.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pengaduan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from pengaduan.complaints.models import Complaint, StepRun
    from pengaduan.complaints.selectors import steps_waiting_for, team_step_runs, team_units
    from pengaduan.ops.progress import ProgressBar
    from pengaduan.ops.seed import seed_complaints
    from pengaduan.units.models import Unit
    from django.contrib.auth import get_user_model

    result: dict = {"backend": backend}
    server = None
    try:
        call_command("migrate", verbosity=0)
        call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        unit = Unit.objects.get(code="INSP")
        seeded = seed_complaints(unit=unit, count=count, progress=ProgressBar(f"Seeding {backend}"))
        result.update(seed_seconds=seeded.seconds, seed_rows=seeded.rows)
        connection.close()

        port = free_port()
        env = {**os.environ, "PENGADUAN_BENCH_URLS": "true", "SITE_URL": "https://localhost", "DEBUG": "false"}
        server = subprocess.Popen(
            [PYTHON, "-m", "pengaduan.cli", "serve", "--production", "--bind", f"{HOST}:{port}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(data_dir / "server.log", "w"),  # noqa: SIM115
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if request(port, "GET", "/_bench/bare/", headers=PROXY)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start: " + (data_dir / "server.log").read_text()[-2000:])
            time.sleep(0.3)

        seconds = float(os.environ.get("BENCH_SECONDS", 10))
        body, headers = intake_form(port)
        status, _h, _b = request(port, "POST", "/pengaduan/baru/", body=body,
                                 headers={**headers, "X-Real-IP": "192.0.2.1"})
        assert status == 302, f"the intake POST answered {status}, not a redirect to the receipt"
        result["intake"] = load(port, "POST", "/pengaduan/baru/", body=body, headers=headers, expect=302,
                                seconds=seconds)
        result["bare"] = load(port, "GET", "/_bench/bare/", headers=PROXY, seconds=seconds)
        result["api"] = api_intake(port, seconds)
        result["xlsx"] = xlsx_export()

        users = {user.username: user for user in get_user_model().objects.filter(
            username__in=["jfu", "sekretaris", "inspektur"])}
        sessions = {}
        for name, user in users.items():
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            sessions[name] = (client, client.cookies["sessionid"].value)
        complaint = (Complaint.objects.filter(unit=unit, step_runs__done_at__isnull=True, step_runs__number=3)
                     .order_by("-received_at").first()) or Complaint.objects.filter(unit=unit).last()
        year = timezone.localdate().year
        pages = {
            "inbox": ("jfu", "/kerja/"),
            "register": ("jfu", f"/kerja/buku-pengaduan/?year={year}"),
            "complaint": ("inspektur", f"/kerja/pengaduan/{complaint.pk}/"),
            "team": ("sekretaris", "/kerja/tim/"),
        }
        result["pages"] = {key: page_latency(port, path, sessions[user][1]) for key, (user, path) in pages.items()}

        result["queries"] = {}
        for key, (user, path) in pages.items():
            if result["pages"][key]["ms"] is None:
                result["queries"][key] = "-"  # too slow to ask again
                continue
            with CaptureQueriesContext(connection) as queries:
                response = sessions[user][0].get(path)
            result["queries"][key] = len(queries) if response.status_code == 200 else f"HTTP {response.status_code}"
        status_client = Client(SERVER_NAME="localhost")
        session = status_client.session
        session["tracked_complaint"] = complaint.tracking_code_hash  # the session keeps the keyed hash
        session.save()
        with CaptureQueriesContext(connection) as queries:
            response = status_client.get("/lacak/status/")
        result["queries"]["status"] = len(queries) if response.status_code == 200 else f"HTTP {response.status_code}"

        now = timezone.now()
        result["shape"] = {
            "open": StepRun.objects.filter(done_at__isnull=True).count(),
            "overdue": StepRun.objects.filter(done_at__isnull=True, due_at__lt=now).count(),
            "register_rows": Complaint.objects.filter(unit=unit, register_year=year).count(),
        }
        explain = {
            "inbox": steps_waiting_for(users["jfu"])[:50],
            "team": team_step_runs(team_units(users["sekretaris"]), per_step=25),
        }
        for key, queryset in explain.items():
            options = {"analyze": True} if backend == "postgresql" else {}
            sys.stderr.write(f"\n-- {backend} EXPLAIN {key}:\n{queryset.explain(**options)}\n")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        result["seconds"] = time.monotonic() - started
        out.write_text(json.dumps(result))
        from django.db import connections

        connections.close_all()
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=["sqlite", "postgresql"])
    parser.add_argument("--complaints", type=int, default=int(os.environ.get("BENCH_COMPLAINTS", 1_000_000)))
    parser.add_argument("--backends", default=os.environ.get("BENCH_BACKENDS", "sqlite,postgresql"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.child:
        child(args.child, args.complaints, args.out)
    else:
        parent(args.complaints, [b.strip() for b in args.backends.split(",") if b.strip()])


if __name__ == "__main__":
    main()
