"""The e-mail that invites an officer to a unit (onboarding); units edit it in the admin like the others."""

from django.db import migrations

TEMPLATE = {
    "key": "officer_invitation",
    "description": "Kepada petugas yang diundang ke sebuah unit. Variabel: {{ name }} nama petugas; {{ unit_name }} "
                   "nama unit; {{ roles }} peran dalam unit; {{ link }} tautan untuk membuat kata sandi (sekali pakai); "
                   "{{ expires_at }} batas berlaku tautan.",
    "subject": "Undangan petugas pengaduan {{ unit_name }}",
    "body": """Yth. Bapak/Ibu {{ name }},

Bapak/Ibu diundang sebagai petugas pengaduan {{ unit_name }} dengan peran: {{ roles }}.

Silakan buka tautan berikut untuk membuat nama pengguna dan kata sandi Anda:
{{ link }}

Tautan ini hanya dapat dipakai satu kali dan berlaku sampai {{ expires_at }}.

Sistem Pengaduan {{ unit_name }}
(Surel ini dikirim otomatis oleh sistem; mohon tidak membalasnya.)
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(key=TEMPLATE["key"], defaults=TEMPLATE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_outbox_failed_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
