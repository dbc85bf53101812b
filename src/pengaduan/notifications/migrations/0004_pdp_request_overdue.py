"""The message that tells the data-protection officer a data-subject request is past its legal deadline."""

from django.db import migrations

TEMPLATE = {
    "key": "pdp_request_overdue",
    "description": "Kepada pejabat pelindungan data pribadi (DPO_EMAIL dan pengguna berizin DPO), sekali, saat "
                   "permintaan subjek data melewati batas 3 × 24 jam. Variabel: {{ request_kind }} jenis permintaan; "
                   "{{ request_id }} nomor; {{ received_at }} diterima; {{ due_at }} batas waktu; {{ url }} daftar.",
    "subject": "Permintaan subjek data no. {{ request_id }} melewati batas waktu",
    "body": """Yth. Pejabat Pelindungan Data Pribadi,

Permintaan subjek data no. {{ request_id }} ({{ request_kind }}) yang diterima pada {{ received_at }} belum dijawab, padahal batas waktunya menurut UU 27/2022 (3 × 24 jam) adalah {{ due_at }}.

Mohon permintaan tersebut segera dijawab melalui {{ url }}

Terima kasih.
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(key=TEMPLATE["key"], defaults=TEMPLATE)


def unseed(apps, schema_editor):
    apps.get_model("notifications", "MessageTemplate").objects.filter(key=TEMPLATE["key"]).delete()


class Migration(migrations.Migration):

    dependencies = [("notifications", "0003_outbox_media")]

    operations = [migrations.RunPython(seed, unseed)]
