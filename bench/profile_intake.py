"""Where one public intake POST spends its CPU: cProfile over the real WSGI handler and every middleware.

Run:  .venv/bin/python bench/profile_intake.py [--posts 300] [--sort tottime] [--top 40] [--bare]

A fresh SQLite database in a temporary data directory (`pengaduan demo` for the unit, SOP and templates), the
settings of `pengaduan serve --production` (HTTPS behind the proxy, mail only queued, DEBUG off), then --posts
POSTs of /pengaduan/baru/ straight into `pengaduan.wsgi.application` (no HTTP server, no test client, no
test instrumentation of templates): each with its own client address, the CSRF cookie and token and the
signed form token, exactly as bench/peer.py sends them. Prints the CPU per POST (process time, median of
batches) and the profile's top functions. With --bare the bare view /_bench/bare/ instead. With BENCH_DATABASE_URL
(a PostgreSQL database, e.g. under scripts/with-postgres.sh) that database instead of SQLite, and the CPU its
server spent per request too. With --pages (SQLite), the pages each POST adds to the write-ahead log, by table and
index: what a commit writes, and a checkpoint copies back. With --other-writer (SQLite), another connection writes
before each request, as the other workers do under load.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--bare", action="store_true", help="the bare view instead of the intake POST")
    parser.add_argument("--callees", help="also print what these functions (comma-separated names) call")
    parser.add_argument("--callers", help="also print who calls these functions (comma-separated names)")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--lock", action="store_true",
                        help="the write transaction of each POST: how long it is open, its statements, its COMMIT")
    parser.add_argument("--pages", action="store_true",
                        help="SQLite: the pages each POST writes to the write-ahead log (no checkpoint meanwhile)")
    parser.add_argument("--other-writer", action="store_true",
                        help="SQLite: another connection writes a row before each request, as the other workers do")
    parser.add_argument("--no-freeze", action="store_true", help="undo the gc.freeze() of pengaduan.ops.wsgi")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU per request")
    parser.add_argument("--peer", action="store_true",
                        help="also django-helpdesk in its own environment (as bench/peer.py left it), interleaved")
    parser.add_argument("--rounds", type=int, default=1, help="with --peer: rounds, alternating who goes first")
    parser.add_argument("--as-peer", help=argparse.SUPPRESS)  # the peer's own process (its virtualenv)
    args = parser.parse_args()
    if args.as_peer:
        return peer_process(args)
    if args.peer:
        return side_by_side(args)
    data = Path(tempfile.mkdtemp(prefix="intake-profile-"))
    os.environ.update({
        "PENGADUAN_DATA_DIR": str(data), "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{data / 'profile.sqlite3'}", "DJANGO_SETTINGS_MODULE": "pengaduan.ops.production_settings",
        "PENGADUAN_BENCH_URLS": "true",
        "SITE_URL": "https://localhost", "DEBUG": "false",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)
    from pengaduan.portal.forms import MIN_FILL_SECONDS
    from pengaduan.ops.wsgi import application  # what `serve --production` serves

    if args.no_freeze:
        import gc

        gc.unfreeze()

    call = caller(application)
    if args.bare:
        def one(n):
            status, _h, _b = call("GET", "/_bench/bare/", address=f"10.1.{n >> 8 & 255}.{n & 255}")
            assert status == 200, status
    else:
        status, headers, page = call("GET", "/pengaduan/baru/")
        assert status == 200, (status, headers)
        fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', page.decode()))
        csrf = next(v.strip().split(";")[0].split("=", 1)[1] for k, v in headers
                    if k.lower() == "set-cookie" and v.strip().startswith("csrftoken="))
        time.sleep(MIN_FILL_SECONDS + 0.5)
        form = {**fields, "complaint_type": "pengaduan", "summary": "Pungutan liar pengurusan KTP",
                "description": "Petugas kelurahan meminta uang Rp50.000 agar KTP elektronik cepat selesai.",
                "subject": "Kelurahan Manguharjo", "event_place": "Kantor Kelurahan Manguharjo",
                "complainant_name": "Siti Aminah", "complainant_phone": "081234567890", "is_confidential": "on",
                "privacy_ack": "on", "website": ""}
        body = urllib.parse.urlencode(form).encode()
        headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", f"csrftoken={csrf}"),
                   ("Origin", "https://localhost"), ("Referer", "https://localhost/pengaduan/baru/")]

        def one(n):
            status, _h, out = call("POST", "/pengaduan/baru/", body=body, headers=headers,
                                   address=f"10.2.{n >> 8 & 255}.{n & 255}")
            assert status == 302, (status, out[:3000])

    if args.other_writer:
        one = with_other_writer(one)
    for n in range(20):  # warm: templates compiled, catalogues loaded, caches filled
        one(n)
    if args.sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            one(999)
        print(f"{len(queries)} statements in one request:")
        for query in queries:
            print("   ", query["sql"][:230])
    if args.lock:
        print(lock_times(one, args.posts), flush=True)
    if args.pages:
        print(wal_pages(one, args.posts), flush=True)
    print(cpu_per_request(one, args.posts, "bare GET" if args.bare else "intake POST"), flush=True)
    if args.no_profile:
        return
    profile = cProfile.Profile()
    profile.enable()
    for n in range(args.posts):
        one(20000 + n)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    for name in filter(None, (args.callees or "").split(",")):
        stats.print_callees(name)
    for name in filter(None, (args.callers or "").split(",")):
        stats.print_callers(name)
    print(out.getvalue())


def caller(application):
    """call(method, path, body=, headers=, address=) -> (status, headers, body) straight into a WSGI application,
    as gunicorn would behind nginx (X-Forwarded-Proto believed from loopback: the scheme is https; the client
    in X-Real-IP)."""

    def call(method, path, *, body=b"", headers=(), address="10.0.0.1"):
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost",
            "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "localhost", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_REAL_IP": address,
            "wsgi.url_scheme": "https", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for key, value in headers:
            environ["HTTP_" + key.upper().replace("-", "_")] = value
        if "HTTP_CONTENT_TYPE" in environ:
            environ["CONTENT_TYPE"] = environ.pop("HTTP_CONTENT_TYPE")
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), response_headers

        chunks = application(environ, start_response)
        payload = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        return answer["status"], answer["headers"], payload

    return call


def cookie_value(headers, name):
    return next(v.strip().split(";")[0].split("=", 1)[1] for k, v in headers
                if k.lower() == "set-cookie" and v.strip().startswith(name + "="))


def cpu_per_request(one, count, what) -> str:
    from peer import postgres_cpu

    for n in range(20):  # warm: templates compiled, catalogues loaded, caches filled
        one(n)
    batches, database = [], []
    for batch in range(5):
        started, database_started = time.process_time(), postgres_cpu()
        excluded = getattr(one, "excluded", 0.0)  # another connection's work in the same process (--other-writer)
        for n in range(count // 5):
            one(1000 + batch * 1000 + n)
        spent = time.process_time() - started - (getattr(one, "excluded", 0.0) - excluded)
        batches.append(spent * 1000 / (count // 5))
        database.append((postgres_cpu() - database_started) * 1000 / (count // 5))
    line = (f"CPU per {what}: median {statistics.median(batches):.3f} ms (batches: "
            + ", ".join(f"{b:.3f}" for b in batches) + f"); load average {os.getloadavg()[0]:.2f}")
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        line += f"\nPostgreSQL server CPU per {what}: median {statistics.median(database):.3f} ms"
    return line


def lock_times(one, count) -> str:
    """The write transaction of each request, traced (pengaduan.ops.sqltrace): open from BEGIN to the end of
    COMMIT, of which the statements' own execution and the COMMIT; the rest is Python between statements."""
    from django.db import connection, connections

    from pengaduan.ops.sqltrace import WriteTrace

    opened, executing, committing = [], [], []
    for n in range(count):
        with WriteTrace(connection) as trace:
            one(50000 + n)
        for txn in trace.write_transactions:
            opened.append(txn.seconds * 1000)
            executing.append(sum(txn.statement_seconds) * 1000)
            committing.append(txn.end_seconds * 1000)

    def p50_p95(values):
        values = sorted(values)
        return f"p50 {statistics.median(values):.3f} p95 {values[round(0.95 * (len(values) - 1))]:.3f} ms"

    text = (f"write transactions (traced): {len(opened)} in {count} requests; open {p50_p95(opened)}; statements "
            f"{p50_p95(executing)}; COMMIT {p50_p95(committing)}")
    if type(connections["default"]).__module__ == "pengaduan.sqlite_backend.base":  # ours, not the peer's
        text += f"\nwrite lock held (not traced: statements go straight to SQLite): {p50_p95(queue_held(one, count))}"
    return text


def queue_held(one, count) -> list[float]:
    """How long each transaction holds the writers' queue of pengaduan.sqlite_backend (from taking it before BEGIN
    to leaving it after COMMIT), in milliseconds, with nothing tracing the statements."""
    from pengaduan.sqlite_backend.base import DatabaseWrapper

    held, since = [], []
    take, leave = DatabaseWrapper._take_queue, DatabaseWrapper._leave_queue

    def timed_take(self):
        take(self)
        since.append(time.perf_counter())

    def timed_leave(self):
        queued = self._queued
        leave(self)
        if queued and since:
            held.append((time.perf_counter() - since.pop()) * 1000)

    DatabaseWrapper._take_queue, DatabaseWrapper._leave_queue = timed_take, timed_leave
    try:
        for n in range(count):
            one(60000 + n)
    finally:
        DatabaseWrapper._take_queue, DatabaseWrapper._leave_queue = take, leave
    return held


def with_other_writer(one):
    """`one` preceded by a one-row write from another connection. SQLite drops a connection's page cache whenever
    another has written, so each request reads its pages again, as under several workers. The other connection
    commits as the workers do (synchronous=NORMAL: no fsync per commit), and its own CPU is left out of the
    figure (`excluded`, read by cpu_per_request)."""
    import sqlite3

    from django.db import connection

    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("PRAGMA synchronous=NORMAL")
    other.execute("CREATE TABLE IF NOT EXISTS bench_other_writer (n INTEGER)")

    def preceded(n):
        started = time.process_time()
        other.execute("INSERT INTO bench_other_writer VALUES (?)", (n,))
        preceded.excluded += time.process_time() - started
        one(n)

    preceded.excluded = 0.0
    return preceded


def wal_pages(one, count) -> str:
    """The pages the requests append to SQLite's write-ahead log, per request and per table or index: every page
    a transaction changes is written whole, once per transaction. Checkpoints are held off meanwhile, so the log
    only grows; its frames name their pages, and SQLite's dbstat table says which b-tree each page belongs to."""
    import collections
    import struct

    from django.db import connection

    from pengaduan import request_cycle
    from pengaduan.ops import walcheckpoint

    if connection.vendor != "sqlite":
        return "write-ahead log pages: SQLite only"
    request_cycle.forget(walcheckpoint.REQUEST_CYCLE_NAME)
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for n in range(count):
            one(70000 + n)
        log = Path(f"{connection.settings_dict['NAME']}-wal").read_bytes()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pageno, name FROM dbstat")
            owner = dict(cursor.fetchall())
    finally:
        request_cycle.at_finish(walcheckpoint.REQUEST_CYCLE_NAME, walcheckpoint.checkpoint_if_due)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={walcheckpoint.SAFETY_NET_PAGES}")
    # A 32-byte header (the page size at 8), then frames: a 24-byte header (the page number first) and the page.
    page_size = struct.unpack(">I", log[8:12])[0]
    frames = [struct.unpack(">I", log[at:at + 4])[0] for at in range(32, len(log) - 23, 24 + page_size)]
    per_tree = collections.Counter(owner.get(page, "(new pages)") for page in frames)
    lines = [f"write-ahead log: {len(frames) / count:.1f} pages of {page_size} bytes per request "
             f"({len(frames) * (page_size + 24) / count / 1024:.0f} KiB), by table or index:"]
    lines += [f"  {pages / count:5.2f}  {name}" for name, pages in per_tree.most_common()]
    return "\n".join(lines)


def peer_process(args):
    """In the peer's virtualenv: its public ticket form (or its bare view) posted straight into its WSGI app."""
    site = Path(args.as_peer)
    sys.path.insert(0, str(site))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hdsite.settings"
    from django.core.wsgi import get_wsgi_application

    call = caller(get_wsgi_application())
    if args.bare:
        def one(n):
            assert call("GET", "/_bench/bare/")[0] == 200
    else:
        status, headers, page = call("GET", "/tickets/submit/")
        assert status == 200, status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
        form = {"csrfmiddlewaretoken": token, "title": "Pungutan liar pengurusan KTP",
                "body": "Petugas kelurahan meminta uang Rp50.000 agar KTP elektronik cepat selesai.",
                "submitter_email": "siti.aminah@example.invalid"}
        body = urllib.parse.urlencode(form).encode()
        headers = [("Content-Type", "application/x-www-form-urlencoded"),
                   ("Cookie", f"csrftoken={cookie_value(headers, 'csrftoken')}"),
                   ("Origin", "https://localhost"), ("Referer", "https://localhost/tickets/submit/")]

        def one(n):
            status, _h, out = call("POST", "/tickets/submit/", body=body, headers=headers)
            assert status == 302, (status, out[:2000])
    if args.lock:
        print(lock_times(one, args.posts), flush=True)
    print(cpu_per_request(one, args.posts, "bare GET" if args.bare else "intake POST"), flush=True)


def side_by_side(args):
    """Ours and the peer's, each in its own process, `--rounds` times alternating who goes first: the ratio of
    CPU per request is the steady figure on a machine shared with other work."""
    import shutil
    import subprocess

    work = Path(os.environ.get("BENCH_WORK") or ROOT / "bench" / "work")
    venv_python = work / "helpdesk-venv" / "bin" / "python"
    site, seeded = work / "run" / "helpdesk-site", work / "run" / "helpdesk.sqlite3"
    if not venv_python.exists() or not seeded.exists():
        raise SystemExit("run bench/peer.py once first (it installs the peer and seeds its database)")
    copy = Path(tempfile.mkdtemp(prefix="peer-profile-")) / "helpdesk.sqlite3"
    shutil.copy(seeded, copy)
    what = ["--bare"] if args.bare else []
    ours = [sys.executable, __file__, "--no-profile", "--posts", str(args.posts), *what]
    theirs = [str(venv_python), __file__, "--as-peer", str(site), "--posts", str(args.posts), *what]
    peer_env = {k: v for k, v in os.environ.items() if not k.startswith(("PENGADUAN_", "DJANGO_", "PYTHON"))}
    peer_env["HELPDESK_DATABASE_URL"] = f"sqlite:///{copy}"
    results = {"ours": [], "peer": []}
    for number in range(args.rounds):
        order = [("ours", ours, None), ("peer", theirs, peer_env)]
        for name, argv, env in order if number % 2 == 0 else order[::-1]:
            out = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT)
            line = [x for x in out.stdout.splitlines() if x.startswith("CPU per")]
            if not line:
                raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
            results[name].append(float(line[0].split("median ")[1].split(" ms")[0]))
            print(f"round {number + 1} {name}: {line[0]}", flush=True)
    a, b = statistics.median(results["ours"]), statistics.median(results["peer"])
    print(f"median CPU per request in-process: ours {a:.3f} ms, django-helpdesk {b:.3f} ms: "
          f"ours {b / a:.2f}x the peer's requests per CPU second")


if __name__ == "__main__":
    main()
