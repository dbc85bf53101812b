"""The public intake's write path: SQL statements and write-lock time per POST of /pengaduan/baru/.

Run:  .venv/bin/python bench/bench_intake.py [--posts 200]
      scripts/with-postgres.sh .venv/bin/python bench/bench_intake.py      (DATABASE_URL's PostgreSQL)

On SQLite a fresh database file in a temporary data directory (never the application's own); on PostgreSQL
the database of DATABASE_URL, which must be a throwaway one (the run migrates it and adds complaints).
`pengaduan demo` sets up the unit, its SOP, officers and message templates; then the form is POSTed
--posts times through Django's test client (every middleware, a different client address each time) and
each POST is traced (pengaduan.ops.sqltrace): its transactions with their statements, the writes made
outside a transaction, and the time the write lock was held (BEGIN to COMMIT of each write transaction plus
each write on its own). Sequential, one process: this is the cost of one POST, not throughput (`make bench`
measures that under load, side by side with django-helpdesk in bench/peer.py).
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--show", action="store_true", help="print the statements of the last POST")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        data = Path(tempfile.mkdtemp(prefix="intake-bench-"))
        os.environ["PENGADUAN_DATA_DIR"] = str(data)
        os.environ["DATABASE_URL"] = f"sqlite:///{data / 'bench-intake.sqlite3'}"
    os.environ.setdefault("PENGADUAN_DATA_DIR", tempfile.mkdtemp(prefix="intake-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "pengaduan.settings"
    os.environ["MAIL_SEND_IMMEDIATELY"] = "false"  # as under `serve --production`: requests only queue mail
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from pengaduan.complaints.models import Complaint
    from pengaduan.ops.sqltrace import WriteTrace
    from pengaduan.portal.forms import MIN_FILL_SECONDS, form_token

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    token = form_token()
    time.sleep(MIN_FILL_SECONDS + 0.5)  # the form refuses answers faster than a person types
    form = {
        "token": token, "complaint_type": "pengaduan", "summary": "Pungutan liar pengurusan KTP",
        "description": "Petugas kelurahan meminta uang Rp50.000 agar KTP elektronik cepat selesai dicetak.",
        "subject": "Kelurahan Manguharjo", "event_place": "Kantor Kelurahan Manguharjo",
        "complainant_name": "Siti Aminah", "complainant_phone": "081234567890",
        "complainant_email": "siti@example.invalid", "is_confidential": "on", "privacy_ack": "on", "website": "",
    }
    before = Complaint.objects.count()
    rows = []
    last = None
    for number in range(args.posts + 5):
        client = Client(REMOTE_ADDR=f"10.9.{number >> 8 & 255}.{number & 255}")
        started = time.perf_counter()
        with WriteTrace(connection) as trace:
            response = client.post("/pengaduan/baru/", form)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, f"POST answered {response.status_code}"
        if number >= 5:  # the first requests load templates and catalogues
            main = max(trace.write_transactions, key=lambda txn: len(txn.statements))
            rows.append({
                "transactions": len(trace.write_transactions), "autocommit": len(trace.autocommit_writes),
                "statements": len(main.statements), "main_ms": main.seconds * 1000,
                "lock_ms": trace.lock_seconds * 1000, "total": trace.statements, "request_ms": elapsed * 1000,
            })
            last = trace
    assert Complaint.objects.count() - before == args.posts + 5, "a POST answered 302 without a complaint"

    def med(key):
        return statistics.median(row[key] for row in rows)

    def p95(key):
        values = sorted(row[key] for row in rows)
        return values[round(0.95 * (len(values) - 1))]

    engine = connection.vendor
    version = connection.cursor().connection.execute("select sqlite_version()").fetchone()[0] if engine == "sqlite" \
        else connection.cursor().connection.info.server_version
    print(f"Public intake write path, {args.posts} POSTs, {engine} {version}, nproc {len(os.sched_getaffinity(0))}, "
          f"CPython {platform.python_version()}, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  write transactions per POST ........ {med('transactions'):.0f} "
          f"(+ {med('autocommit'):.0f} write(s) outside a transaction)")
    print(f"  statements in the write transaction  {med('statements'):.0f}")
    print(f"  statements per POST, all (BEGINs too) {med('total'):.0f}")
    print(f"  write transaction open (ms) ........ p50 {med('main_ms'):.2f}  p95 {p95('main_ms'):.2f}")
    print(f"  write lock held per POST (ms) ...... p50 {med('lock_ms'):.2f}  p95 {p95('lock_ms'):.2f}")
    print(f"  whole request in-process (ms) ...... p50 {med('request_ms'):.1f}  p95 {p95('request_ms'):.1f}")
    if args.show and last:
        for index, txn in enumerate(last.transactions):
            print(f"-- transaction {index + 1}: {len(txn.statements)} statements, {txn.seconds * 1000:.2f} ms")
            for sql in txn.statements:
                print("   ", sql[:160])
        for sql, seconds in last.autocommit_writes:
            print(f"-- outside a transaction ({seconds * 1000:.2f} ms): {sql[:160]}")


if __name__ == "__main__":
    main()
