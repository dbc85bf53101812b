"""The message to the officers when a mail to a complainant bounced (read from the unit's mailbox by
`pengaduan mail fetch`): the complainant did not get it and must be reached another way."""

from django.db import migrations

TEMPLATE = {
    "key": "mail_bounced",
    "description": "Kepada pelaksana langkah yang sedang berjalan (atau petugas penerima pengaduan), saat e-mail kepada "
                   "pengadu ditolak oleh server penerima. Variabel: {{ recipient_name }}, {{ reference }}, "
                   "{{ summary }}, {{ address }}, {{ bounced_subject }}, {{ status }}, {{ diagnostic }}, "
                   "{{ complaint_url }}, {{ unit_name }}.",
    "subject": "E-mail kepada pengadu {{ reference }} tidak terkirim",
    "body": """Yth. Bapak/Ibu {{ recipient_name }},

E-mail "{{ bounced_subject }}" kepada pengadu {{ reference }} perihal {{ summary }} tidak dapat diterima oleh alamat {{ address }}{% if status %} (status {{ status }}){% endif %}.{% if diagnostic %}
Keterangan server penerima: {{ diagnostic }}{% endif %}

Mohon hubungi pengadu melalui saluran lain (telepon atau surat) dan perbaiki alamat e-mailnya bila perlu. Pengaduan dapat dibuka di {{ complaint_url }}

Terima kasih.

{{ unit_name }}
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(key=TEMPLATE["key"], defaults=TEMPLATE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_whatsapp_sms")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
