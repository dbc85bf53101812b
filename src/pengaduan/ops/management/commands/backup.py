from pathlib import Path

from django.core.management.base import BaseCommand

from pengaduan.ops.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the attachments into one .tar.gz file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write, e.g. pengaduan-2026-11-28.tar.gz")

    def handle(self, *args, file, **options):
        manifest = backup(Path(file))
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Backed up {total} rows ({manifest['counts'].get('complaints.complaint', 0)} complaints) "
                          f"and the attachments to {file}")
