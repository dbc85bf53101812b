"""The tracking code is a credential: keep only its keyed hash (see complaints/codes.py).

Existing codes keep working: each is hashed with the current secret, then the plain column is dropped."""

from django.db import migrations, models


def hash_codes(apps, schema_editor):
    from pengaduan.complaints.codes import tracking_code_hash

    Complaint = apps.get_model("complaints", "Complaint")
    batch = []
    for pk, code in Complaint.objects.values_list("pk", "tracking_code").iterator(chunk_size=2000):
        batch.append(Complaint(pk=pk, tracking_code_hash=tracking_code_hash(code)))
        if len(batch) >= 2000:
            Complaint.objects.bulk_update(batch, ["tracking_code_hash"])
            batch = []
    if batch:
        Complaint.objects.bulk_update(batch, ["tracking_code_hash"])


class Migration(migrations.Migration):

    dependencies = [("complaints", "0010_search")]

    operations = [
        migrations.AddField(
            model_name="complaint", name="tracking_code_hash",
            field=models.CharField(max_length=64, null=True, editable=False, verbose_name="tracking code (keyed hash)"),
        ),
        migrations.RunPython(hash_codes, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="complaint", name="tracking_code"),
        migrations.AlterField(
            model_name="complaint", name="tracking_code_hash",
            field=models.CharField(max_length=64, unique=True, editable=False,
                                   verbose_name="tracking code (keyed hash)"),
        ),
    ]
