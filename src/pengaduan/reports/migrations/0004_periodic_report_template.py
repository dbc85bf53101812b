"""The message that carries a periodic report (PDF attached) to the unit's head and the oversight role."""

from django.db import migrations

TEMPLATE = {
    "key": "periodic_report",
    "description": "Kepada kepala unit dan peran pengawasan Pemda, saat laporan berkala (bulanan, triwulanan, "
                   "tahunan) dibuat sesuai jadwal; PDF laporan dilampirkan. Variabel: {{ recipient_name }}, "
                   "{{ unit_name }}, {{ period }}, {{ kind }}, {{ received }}, {{ answered }}, {{ archive_url }}.",
    "subject": "Laporan penanganan pengaduan {{ unit_name }}: {{ period }}",
    "body": """Yth. Bapak/Ibu {{ recipient_name }},

Terlampir laporan {{ kind }} penanganan pengaduan pelayanan publik {{ unit_name }} untuk {{ period }}.

Pengaduan diterima: {{ received }}; dijawab: {{ answered }}.

Laporan ini juga tersimpan di arsip laporan berkala: {{ archive_url }}

Terima kasih.

{{ unit_name }}
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(key=TEMPLATE["key"], defaults=TEMPLATE)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_periodic_reports"), ("notifications", "0007_forward_monitoring_template")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
