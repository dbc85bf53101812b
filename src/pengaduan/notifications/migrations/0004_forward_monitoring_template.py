"""The message that follows up a forwarded case (`pengaduan remind`, every monitoring period until answered)."""

from django.db import migrations

TEMPLATE = {
    "key": "forward_monitoring",
    "description": "Kepada pemutus tindak lanjut unit asal, saat pengaduan yang dilimpahkan belum dijawab setelah "
                   "masa pemantauan. Variabel: {{ recipient_name }}, {{ reference }}, {{ summary }}, {{ to }} "
                   "(unit atau instansi tujuan), {{ target_reference }}, {{ forwarded_at }}, {{ count }}, "
                   "{{ complaint_url }}, {{ unit_name }}.",
    "subject": "Pemantauan: pengaduan {{ reference }} yang dilimpahkan kepada {{ to }} belum dijawab",
    "body": """Yth. Bapak/Ibu {{ recipient_name }},

Pengaduan {{ reference }} perihal {{ summary }} telah dilimpahkan kepada {{ to }} pada {{ forwarded_at }}{% if target_reference %} (nomor registrasi di sana: {{ target_reference }}){% endif %} dan sampai saat ini belum ada jawabannya.

Mohon Bapak/Ibu menindaklanjuti pemantauan ini{% if not target_reference %} dan mencatat jawaban instansi tersebut setelah diterima{% endif %}. Pengaduan dapat dibuka di {{ complaint_url }}

Pengingat ke-{{ count }}.

Terima kasih.

{{ unit_name }}
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(key=TEMPLATE["key"], defaults=TEMPLATE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_outbox_media")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
