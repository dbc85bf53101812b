"""Where one public intake POST spends its CPU: cProfile over the real WSGI handler and every middleware.

Run:  .venv/bin/python bench/profile_intake.py [--posts 300] [--sort tottime] [--top 40] [--bare]

A fresh SQLite database in a temporary data directory (`pengaduan demo` for the unit, SOP and templates), the
settings of `pengaduan serve --production` (HTTPS behind the proxy, mail only queued, DEBUG off), then --posts
POSTs of /pengaduan/baru/ straight into `pengaduan.wsgi.application` (no HTTP server, no test client, no
test instrumentation of templates): each with its own client address, the CSRF cookie and token and the
signed form token, exactly as bench/peer.py sends them. Prints the CPU per POST (process time, median of
batches) and the profile's top functions. With --bare the bare view /_bench/bare/ instead.
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
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--no-freeze", action="store_true", help="undo the gc.freeze() of pengaduan.ops.wsgi")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU per request")
    args = parser.parse_args()
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

    def call(method, path, *, body=b"", headers=(), address="10.0.0.1"):
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost",
            "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "localhost", "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_REAL_IP": address,
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
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
    batches = []
    for batch in range(5):
        started = time.process_time()
        for n in range(args.posts // 5):
            one(1000 + batch * 1000 + n)
        batches.append((time.process_time() - started) * 1000 / (args.posts // 5))
    what = "bare GET" if args.bare else "intake POST"
    print(f"CPU per {what}: median {statistics.median(batches):.2f} ms (batches: "
          + ", ".join(f"{b:.2f}" for b in batches) + f"); load average {os.getloadavg()[0]:.2f}")
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
    print(out.getvalue())


if __name__ == "__main__":
    main()
