"""The complainant's messages of an unanswered question: the reminder (`pengaduan remind`, after the SOP's
`[sop.complainant_reminder] after`) and the notice that the case was closed because no reply came."""

from django.db import migrations

REMINDER = {
    "key": "information_reminder",
    "description": "Kepada pengadu, bila pertanyaan petugas belum dijawab setelah waktu yang diatur SOP "
                   "([sop.complainant_reminder]). Variabel: {{ name }}, {{ reference }}, {{ summary }}, "
                   "{{ question }}, {{ close_at }} (kapan pengaduan ditutup bila tetap tidak dijawab; bisa kosong), "
                   "{{ count }}, {{ tracking_code }}, {{ track_url }}, {{ unit_name }}.",
    "subject": "Pengingat: kami menunggu jawaban Anda atas pengaduan {{ reference }}",
    "body": """Yth. Bapak/Ibu {{ name }},

Kami masih menunggu jawaban Bapak/Ibu atas pertanyaan kami mengenai pengaduan {{ reference }} perihal {{ summary }}:

{{ question }}

Jawaban dapat Bapak/Ibu sampaikan di {{ track_url }} dengan kode lacak pengaduan ({{ tracking_code }}), atau dengan membalas pesan ini.{% if close_at %} Bila sampai {{ close_at }} kami belum menerima jawaban, pengaduan ini akan kami tutup; Bapak/Ibu tetap dapat mengajukan pengaduan baru kapan saja.{% endif %}

Terima kasih.

Hormat kami,
{{ unit_name }}
""",
}

NO_REPLY = {
    "key": "complaint_closed_no_reply",
    "description": "Kepada pengadu, saat pengaduan ditutup karena pertanyaan petugas tidak dijawab dalam waktu yang "
                   "diatur SOP ([sop.time_classes] closing_without_reply). Variabel: {{ name }}, {{ reference }}, "
                   "{{ summary }}, {{ track_url }}, {{ unit_name }}, {{ unit_phone }}, {{ unit_email }}.",
    "subject": "Pengaduan Anda {{ reference }} kami tutup",
    "body": """Yth. Bapak/Ibu {{ name }},

Karena sampai batas waktu yang berlaku kami belum menerima jawaban atas pertanyaan kami, pengaduan {{ reference }} perihal {{ summary }} kami tutup.

Bila Bapak/Ibu masih memerlukan tindak lanjut, silakan mengajukan pengaduan baru dengan keterangan yang kami tanyakan, atau menghubungi kami{% if unit_phone %} di {{ unit_phone }}{% endif %}{% if unit_email %} atau {{ unit_email }}{% endif %}. Kami dengan senang hati membantu.

Hormat kami,
{{ unit_name }}
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for template in (REMINDER, NO_REPLY):
        MessageTemplate.objects.get_or_create(key=template["key"], defaults=template)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0011_complainant_routing")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
