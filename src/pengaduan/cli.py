"""The `pengaduan` console command: Django's management commands, with ours listed first."""

import os
import sys

OUR_COMMANDS = {
    "sop": "SOP files: sop validate|load FILE, sop show [CODE], sop import SHEET, sop print CODE -o FILE.pdf",
    "calendar": "office calendar (calendar show YEAR | calendar deadline START DURATION)",
    "demo": "create the demo unit, users and complaints (safe to run twice)",
    "remind": "send due reminders and escalations, retry pending mail (run every minute)",
    "outbox": "the mail outbox (outbox send | outbox list)",
    "apitoken": "personal API tokens for staff (apitoken create --user U --name N | list | revoke ID)",
    "apikey": "Open311 API keys (apikey create --name N | list | revoke NAME|ID)",
    "backup": "back up the database and the attachments (backup FILE; restore FILE [--force])",
    "status": "is it ready: database, migrations, data folder, background jobs (exit 1 when not)",
    "report": "Buku Pengaduan PDF/XLSX, periodic report, SOP compliance (report register|periodic|compliance)",
    "serve": "serve the site (--production: gunicorn with checked settings; see docs/deploy.md)",
    "seed": "add N realistic complaints for benchmarks (seed --complaints N)",
    "lapor": "SP4N-LAPOR! bridge: lapor sync [--unit CODE] [--once], lapor import FILE --unit CODE [--dry-run]",
    "pdp": "personal data: pdp export --complainant EMAIL|PHONE|CODE, pdp erase [--dry-run]",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pengaduan.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "pengaduan"
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    if len(argv) == 1 or argv[1] in {"-h", "--help", "help"} and len(argv) == 2:
        print("Usage: pengaduan <command> [options]\n\nPengaduan commands:")
        for name, summary in OUR_COMMANDS.items():
            print(f"  {name:<10} {summary}")
        print("\nEvery Django command works too (migrate, runserver, createsuperuser, ...);")
        print("`pengaduan help --commands` lists them all, `pengaduan help COMMAND` explains one.\n")
        return
    try:
        execute_from_command_line(argv)
    except DatabaseError:
        from pengaduan.ops.schema import needs_migrate, not_migrated_message

        if not needs_migrate():
            raise
        # A fresh data folder: one line that says what to do, not Django's "no such table" traceback.
        sys.stderr.write(not_migrated_message() + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
