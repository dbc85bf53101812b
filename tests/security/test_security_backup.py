"""`pengaduan backup` and `restore`: a round trip gives back every row and every file."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from pengaduan.complaints.engine import complaint_record, information_request, note_add
from pengaduan.complaints.models import Attachment, Complaint
from pengaduan.ops.backup import _counted_models
from factories import intake_data, tiny_jpeg
from madiun_steps import advance

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    rows = {}
    for label, model in _counted_models():
        rows[label] = list(model.objects.order_by("pk").values())
    files = {a.file.name: a.file.open("rb").read() for a in Attachment.objects.all()}
    return rows, files


def test_a_backup_restores_every_row_and_file(unit, staff, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    first = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(),
                             files={"evidence": SimpleUploadedFile("bukti.jpg", tiny_jpeg())})
    advance(first, staff, to_step=6)
    second = complaint_record(unit=unit, actor=staff["jfu"], data=intake_data(is_anonymous="on"))
    note_add(complaint=second, actor=staff["kasubag"], text="Catatan")
    information_request(complaint=second, actor=staff["sekretaris"], question="?", pause_clock=True)
    before = snapshot()
    assert before[1]

    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(archive), stdout=open("/dev/null", "w"))
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(archive))
    call_command("flush", interactive=False, verbosity=0)
    for path in (tmp_path / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    assert not Complaint.objects.exists()

    call_command("restore", str(archive), stdout=open("/dev/null", "w"))
    after = snapshot()
    for label in before[0]:
        assert after[0][label] == before[0][label], label
    assert after[1] == before[1]


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "bukan.tar.gz"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="not a Pengaduan backup"):
        call_command("restore", str(junk))
