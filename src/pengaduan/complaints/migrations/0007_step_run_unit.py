"""Each step run carries its complaint's unit, so that inboxes read one partial index (see StepRun.unit)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_units(apps, schema_editor):
    StepRun = apps.get_model("complaints", "StepRun")
    Complaint = apps.get_model("complaints", "Complaint")
    StepRun.objects.filter(unit__isnull=True).update(
        unit_id=Subquery(Complaint.objects.filter(pk=OuterRef("complaint_id")).values("unit_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0006_identity_erased"),
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="steprun",
            name="unit",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="units.unit", verbose_name="unit"),
        ),
        migrations.RunPython(copy_units, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="steprun",
            name="unit",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="units.unit", verbose_name="unit"),
        ),
        migrations.RemoveIndex(model_name="steprun", name="complaints_open_by_role"),
        migrations.AddIndex(
            model_name="steprun",
            index=models.Index(condition=models.Q(("done_at__isnull", True)), fields=["unit", "role", "due_at", "id"],
                               include=["paused_at"], name="complaints_open_by_role"),
        ),
        migrations.AddIndex(
            model_name="steprun",
            index=models.Index(condition=models.Q(("done_at__isnull", True)), fields=["unit", "number", "due_at", "id"],
                               include=["paused_at"], name="complaints_open_by_step"),
        ),
    ]
