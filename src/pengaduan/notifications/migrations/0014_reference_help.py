"""The templates' help said `{{ reference }}` is the tracking code until a complaint is recorded: it is its number
("no. 31"), since a tracking code is never stored in plain."""

from django.db import migrations

OLD = "{{ reference }} nomor register, atau kode lacak bila belum dicatat"
NEW = "{{ reference }} nomor register, atau nomor urutnya (mis. no. 31) bila belum dicatat"


def _replace(apps, old: str, new: str) -> None:
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for template in MessageTemplate.objects.filter(description__contains=old):
        template.description = template.description.replace(old, new)
        template.save(update_fields=["description"])


def forwards(apps, schema_editor):
    _replace(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0013_start_message"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
