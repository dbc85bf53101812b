"""The SKM invitation: to the complainant once the case is closed with an answer (PermenPANRB 14/2017)."""

from django.db import migrations

TEMPLATE = {
    "key": "skm_invitation",
    "description": "Kepada pengadu, setelah jawaban disampaikan dan kasus selesai: ajakan mengisi Survei Kepuasan "
                   "Masyarakat (SKM) melalui tautan pribadi yang berlaku SKM_LINK_DAYS hari (bawaan 30) dan hanya dapat "
                   "dipakai sekali. Tidak dikirim untuk pengaduan anonim (mereka mengisi survei di halaman lacak). "
                   "Variabel: {{ name }}, {{ reference }}, {{ summary }}, {{ survey_url }}, {{ survey_days }}, "
                   "{{ track_url }}, {{ unit_name }}, {{ unit_phone }}, {{ unit_email }}.",
    "subject": "Mohon penilaian Anda atas pelayanan {{ unit_name }}",
    "body": """Yth. Bapak/Ibu {{ name }},

Penanganan pengaduan Bapak/Ibu nomor {{ reference }} perihal {{ summary }} telah selesai. Kami mohon kesediaan Bapak/Ibu meluangkan waktu sekitar tiga menit untuk mengisi Survei Kepuasan Masyarakat (SKM) atas pelayanan kami:

{{ survey_url }}

Survei terdiri atas sembilan pertanyaan singkat sesuai Peraturan Menteri PANRB Nomor 14 Tahun 2017. Jawaban Bapak/Ibu disimpan tanpa nama dan tanpa data kontak, dan hanya digunakan untuk perbaikan pelayanan. Tautan ini berlaku {{ survey_days }} hari dan hanya dapat digunakan satu kali; setelah itu survei tetap dapat diisi di {{ track_url }} dengan kode lacak Bapak/Ibu.

Terima kasih atas kepercayaan Bapak/Ibu.

Hormat kami,
{{ unit_name }}
""",
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    MessageTemplate.objects.get_or_create(key=TEMPLATE["key"], defaults=TEMPLATE)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0009_mail_bounced_template")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
