from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pengaduan.ops.backup import BackupError, backup
from pengaduan.ops.schema import needs_migrate, not_migrated_message


class Command(BaseCommand):
    help = "Back up the database and the attachments into one .tar.gz file (readable by its owner only)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write, e.g. pengaduan-2026-11-28.tar.gz")
        parser.add_argument("--force", action="store_true", help="replace the file if it already exists")

    def handle(self, *args, file, force, **options):
        if needs_migrate():
            # dumpdata would stop at the first missing table with a message that does not say what to do.
            raise CommandError(not_migrated_message())
        try:
            manifest = backup(Path(file), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        total = sum(manifest["counts"].values())
        self.stdout.write(f"Backed up {total} rows ({manifest['counts'].get('complaints.complaint', 0)} complaints) "
                          f"and the attachments to {file}")
