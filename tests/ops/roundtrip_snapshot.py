"""Every backed-up row and attachment of the current database as plain JSON, for comparing two databases.

Imported by test_ops_sqlite_to_postgres.py and run by it as a script against the SQLite demo:
    python roundtrip_snapshot.py OUT.json [--add-evidence]
"""

import hashlib
import io
import json
import sys
from pathlib import Path


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()  # microseconds kept (Django's JSON encoder would cut them)
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return str(value)


def snapshot() -> dict:
    from django.conf import settings

    from pengaduan.ops.backup import _counted_models

    rows = {label: json.loads(json.dumps(list(model.objects.order_by("pk").values()), default=_plain))
            for label, model in _counted_models()}
    media = Path(settings.MEDIA_ROOT)
    files = {str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
             for path in sorted(media.rglob("*")) if path.is_file()}
    return {"rows": rows, "files": files}


def add_evidence() -> None:
    """The demo has no attachments: one more complaint with a photo, so that files travel too; and one run
    of `remind`, so that the job tables do."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from PIL import Image

    from pengaduan.complaints.engine import complaint_record
    from pengaduan.units.models import Membership

    membership = Membership.objects.filter(role="jfu").select_related("unit", "user").first()
    photo = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(photo, "JPEG")
    complaint_record(unit=membership.unit, actor=membership.user, files={
        "evidence": SimpleUploadedFile("bukti.jpg", photo.getvalue(), content_type="image/jpeg")}, data={
        "channel": "walk_in", "complainant_name": "Siti Aminah", "complainant_phone": "081234567890",
        "complainant_email": "siti@example.org", "summary": "Pungutan liar", "description": "Diminta uang.",
        "subject": "Kelurahan Manguharjo",
    })
    call_command("remind", stdout=io.StringIO())


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pengaduan.settings")
    django.setup()
    if "--add-evidence" in sys.argv:
        add_evidence()
    Path(sys.argv[1]).write_text(json.dumps(snapshot(), indent=1, sort_keys=True))
