"""The messages of forwarding: to the forwarding unit's deciding officer, following up a forwarded case (`pengaduan
remind`, every monitoring period until answered), and to the complainant, telling where the case went."""

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


FORWARDED = {
    "key": "complaint_forwarded",
    "description": "Kepada pengadu, saat pengaduannya dilimpahkan kepada unit kerja lain atau instansi di luar Pemda. "
                   "Tidak dikirim untuk pengaduan anonim. Variabel: {{ name }}, {{ reference }}, {{ summary }}, "
                   "{{ to }} (tujuan pelimpahan), {{ tracking_code }}, {{ track_url }}, {{ unit_name }}.",
    "subject": "Pengaduan Anda {{ reference }} dilimpahkan kepada {{ to }}",
    "body": """Yth. Bapak/Ibu {{ name }},

Pengaduan Bapak/Ibu nomor {{ reference }} perihal {{ summary }} telah kami limpahkan kepada {{ to }} yang berwenang menanganinya. Kami akan memantau tindak lanjutnya sampai ada jawaban.

Perkembangannya tetap dapat Bapak/Ibu ikuti di {{ track_url }} dengan kode lacak yang sama: {{ tracking_code }}.

Terima kasih atas kepercayaan Bapak/Ibu.

Hormat kami,
{{ unit_name }}
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for template in (TEMPLATE, FORWARDED):
        MessageTemplate.objects.get_or_create(key=template["key"], defaults=template)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_invitation_template")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
