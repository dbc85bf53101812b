from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pengaduan.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made with `pengaduan backup` (database and attachments)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true", help="replace a database that already holds data")

    def handle(self, *args, file, force, **options):
        try:
            result = restore(Path(file), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored the backup of {result.manifest['created_at']} "
                          f"({sum(result.manifest['counts'].values())} rows, {result.files} files).")
