"""Where one staff complaint page spends its CPU: cProfile over the real WSGI handler and every middleware.

Run:  .venv/bin/python bench/profile_detail.py [--complaints 2000] [--requests 200] [--step 3] [--top 45]
                                                [--sql] [--callees NAME,NAME] [--no-profile]

A fresh SQLite database in a temporary data directory (`pengaduan demo`, then `pengaduan seed --complaints N`
as bench/peer.py does), the settings of `pengaduan serve --production` (HTTPS behind the proxy, DEBUG off), a
logged-in session for the officer, then --requests GETs of /kerja/pengaduan/<id>/ straight into
`pengaduan.ops.wsgi.application` (no HTTP server, no test client, no test instrumentation of templates).

The page is the one bench/peer.py fetches as "detail": by default (--step 3) the Inspektur on the latest
complaint waiting at step 3 (the decision). With --step 1 the JFU on the latest complaint waiting at step 1
(recording it), the page with the similar-case search. Prints the CPU per request (process time, median of
batches), with --sql the statements of one request, and the profile's top functions.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from profile_intake import caller, cpu_per_request  # noqa: E402

PERFORMER = {1: "jfu", 2: "sekretaris", 3: "inspektur", 4: "sekretaris", 5: "jfu"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=int(os.environ.get("BENCH_COMPLAINTS") or 2000))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--step", type=int, default=3, choices=sorted(PERFORMER),
                        help="the open step of the complaint shown (3: what bench/peer.py fetches)")
    parser.add_argument("--user", help="the officer (default: the step's performer in the demo)")
    parser.add_argument("--pk", type=int, help="this complaint instead of the latest one waiting at --step")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", default="45", help="how many functions, or a regular expression of their names")
    parser.add_argument("--callees", help="also print what these functions (comma-separated names) call")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--width", type=int, default=120, help="with --sql: characters of each statement")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU per request")
    parser.add_argument("--dump", type=Path, help="also write the profile to this file (for pstats)")
    parser.add_argument("--data", type=Path, help="reuse this data directory (seeded by an earlier run)")
    args = parser.parse_args()

    data = args.data or Path(tempfile.mkdtemp(prefix="detail-profile-"))
    data.mkdir(parents=True, exist_ok=True)
    database = data / "profile.sqlite3"
    fresh = not database.exists()
    os.environ.update({
        "PENGADUAN_DATA_DIR": str(data), "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL")
        or f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "pengaduan.ops.production_settings",
        "PENGADUAN_BENCH_URLS": "true", "SITE_URL": "https://localhost", "DEBUG": "false",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a reused data directory may be behind the code
    if fresh:
        devnull = open(os.devnull, "w")  # noqa: SIM115
        call_command("demo", stdout=devnull)
        call_command("seed", complaints=args.complaints, stdout=devnull)
        call_command("collectstatic", "--noinput", verbosity=0)
        print(f"seeded {args.complaints:,} complaints in {data}", flush=True)

    from pengaduan.complaints.models import Complaint
    from pengaduan.ops.wsgi import application  # what `serve --production` serves

    username = args.user or PERFORMER[args.step]
    if args.pk:
        complaint = Complaint.objects.get(pk=args.pk)
    else:
        # As bench/peer.py picks it, in a unit of the officer's (the demo has several).
        complaint = (Complaint.objects.filter(step_runs__done_at__isnull=True, step_runs__number=args.step,
                                              unit__memberships__user__username=username)
                     .order_by("-received_at").first())
        if complaint is None:
            raise SystemExit(f"no complaint waiting at step {args.step} in a unit of {username}")
    path = f"/kerja/pengaduan/{complaint.pk}/"
    headers = [("Cookie", session_cookie(username))]
    call = caller(application)

    def one(n):
        status, _h, out = call("GET", path, headers=headers, address=f"10.3.{n >> 8 & 255}.{n & 255}")
        assert status == 200, (status, out[:2000])

    print(f"GET {path} as {username} (complaint {complaint.pk}, waiting at step {args.step})", flush=True)
    for n in range(10):
        one(n)
    if args.sql:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        import time
        import traceback

        marks = []

        def mark(execute, sql, params, many, context):
            # CPU since the statement before (the Python that built this one), and where it was asked for.
            marks.append((time.process_time(), next((f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in
                                                     reversed(traceback.extract_stack()[:-1])
                                                     if "/pengaduan/" in f.filename), "?")))
            return execute(sql, params, many, context)

        with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(mark):
            started = time.process_time()
            one(999)
            ended = time.process_time()
        print(f"{len(queries)} statements in one request ({(ended - started) * 1000:.1f} ms CPU with the "
              "tracing); ms CPU before each statement, where it is asked for, the statement:")
        before = started
        for query, (at, where) in zip(queries, marks):
            print(f"   {(at - before) * 1000:5.1f}  {where[:60]:60}  {query['sql'][:args.width]}")
            before = at
        print(f"   {(ended - before) * 1000:5.1f}  (after the last statement: rendering, response)")
    print(cpu_per_request(one, args.requests, "detail GET"), flush=True)
    if args.no_profile:
        return
    profile = cProfile.Profile()
    profile.enable()
    for n in range(args.requests):
        one(20000 + n)
    profile.disable()
    if args.dump:
        profile.dump_stats(args.dump)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats(args.sort).print_stats(int(args.top) if args.top.isdigit() else args.top)
    for name in filter(None, (args.callees or "").split(",")):
        stats.print_callees(name)
    print(out.getvalue())


def session_cookie(username: str) -> str:
    """A logged-in session for the officer, as bench/peer.py makes it (no login form, no second factor)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model, load_backend

    user = get_user_model().objects.get(username=username)
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


if __name__ == "__main__":
    main()
