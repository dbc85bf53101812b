"""Seed one message template per kind of notification, in polite, plain Indonesian.

The texts are content: units edit them (or switch them off) in the admin. A template that already
exists is left as it is. The description of each lists its variables.
"""

from django.db import migrations

COMPLAINANT_VARIABLES = (
    "Variabel: {{ name }} nama pengadu; {{ tracking_code }} kode lacak; {{ register_number }} nomor register "
    "(kosong bila belum dicatat); {{ reference }} nomor register, atau kode lacak bila belum dicatat; "
    "{{ summary }} ringkasan pengaduan; {{ received_at }} waktu pengaduan diterima; {{ track_url }} alamat "
    "halaman lacak; {{ unit_name }}, {{ unit_phone }}, {{ unit_email }} nama, telepon dan surel unit."
)
STAFF_VARIABLES = (
    "Variabel: {{ recipient_name }} nama penerima; {{ reference }} nomor register, atau kode lacak bila belum "
    "dicatat; {{ tracking_code }}; {{ register_number }}; {{ summary }} ringkasan pengaduan; {{ step_number }} "
    "nomor langkah; {{ step_description }} uraian langkah menurut SOP; {{ role_title }} pelaksana langkah; "
    "{{ due_at }} batas waktu langkah; {{ complaint_url }} alamat pengaduan di meja kerja; {{ unit_name }} nama unit."
)

COMPLAINANT_SIGNATURE = """
Hormat kami,
{{ unit_name }}{% if unit_phone %}
Telepon: {{ unit_phone }}{% endif %}{% if unit_email %}
Surel: {{ unit_email }}{% endif %}"""

STAFF_SIGNATURE = """
Sistem Pengaduan {{ unit_name }}
(Surel ini dikirim otomatis oleh sistem; mohon tidak membalasnya.)"""

TEMPLATES = [
    {
        "key": "complaint_received",
        "description": "Kepada pengadu, saat pengaduan dari situs web diterima. Tanda terima (PDF) dilampirkan. "
                       "Tidak dikirim untuk pengaduan anonim. " + COMPLAINANT_VARIABLES,
        "subject": "Pengaduan Anda telah kami terima: {{ tracking_code }}",
        "body": """Yth. Bapak/Ibu {{ name }},

Terima kasih telah menyampaikan pengaduan kepada {{ unit_name }}. Pengaduan Bapak/Ibu telah kami terima pada {{ received_at }}.

Kode lacak: {{ tracking_code }}{% if register_number %}
Nomor register: {{ register_number }}{% endif %}
Ringkasan: {{ summary }}

Mohon simpan kode lacak tersebut. Bapak/Ibu dapat mengikuti perkembangan penanganan pengaduan di {{ track_url }} dengan memasukkan kode lacak di atas.

Tanda terima pengaduan kami lampirkan dalam bentuk PDF.{% if not register_number %} Petugas kami akan mencatat pengaduan Bapak/Ibu dalam Buku Pengaduan pada jam kerja.{% endif %}

Penanganan pengaduan tidak dipungut biaya apa pun.
""" + COMPLAINANT_SIGNATURE,
    },
    {
        "key": "complaint_recorded",
        "description": "Kepada pengadu, saat pengaduan dicatat dalam Buku Pengaduan dan mendapat nomor register. "
                       "Tanda terima terbaru (PDF) dilampirkan. Tidak dikirim untuk pengaduan anonim. "
                       + COMPLAINANT_VARIABLES,
        "subject": "Pengaduan Anda telah dicatat dengan nomor {{ register_number }}",
        "body": """Yth. Bapak/Ibu {{ name }},

Pengaduan Bapak/Ibu dengan kode lacak {{ tracking_code }} telah dicatat dalam Buku Pengaduan {{ unit_name }}.

Nomor register: {{ register_number }}
Ringkasan: {{ summary }}

Pengaduan Bapak/Ibu selanjutnya akan ditindaklanjuti sesuai dengan standar operasional prosedur. Perkembangannya dapat Bapak/Ibu ikuti di {{ track_url }} dengan memasukkan kode lacak di atas. Tanda terima yang memuat nomor register kami lampirkan.

Terima kasih atas kepercayaan Bapak/Ibu.
""" + COMPLAINANT_SIGNATURE,
    },
    {
        "key": "complaint_answered",
        "description": "Kepada pengadu, saat jawaban atas pengaduan telah disampaikan dan kasus selesai. "
                       "Tidak dikirim untuk pengaduan anonim. " + COMPLAINANT_VARIABLES,
        "subject": "Jawaban atas pengaduan Anda telah kami sampaikan: {{ reference }}",
        "body": """Yth. Bapak/Ibu {{ name }},

Dengan hormat kami sampaikan bahwa jawaban atas pengaduan Bapak/Ibu nomor {{ reference }} perihal {{ summary }} telah kami sampaikan.

Jawaban tersebut dapat Bapak/Ibu baca di {{ track_url }} dengan memasukkan kode lacak {{ tracking_code }}. Pada halaman yang sama, kami mohon kesediaan Bapak/Ibu untuk memberikan penilaian atas penanganan pengaduan ini. Penilaian dan saran Bapak/Ibu sangat berarti bagi perbaikan pelayanan kami.

Apabila masih ada hal yang perlu dijelaskan, Bapak/Ibu dapat menghubungi kami dengan menyebutkan nomor di atas.

Terima kasih atas kepercayaan dan kesabaran Bapak/Ibu.
""" + COMPLAINANT_SIGNATURE,
    },
    {
        "key": "information_requested",
        "description": "Kepada pengadu, saat petugas meminta keterangan tambahan; pengadu menjawab di halaman lacak. "
                       "Tidak dikirim untuk pengaduan anonim. " + COMPLAINANT_VARIABLES
                       + " Tambahan: {{ question }} pertanyaan petugas.",
        "subject": "Mohon keterangan tambahan untuk pengaduan Anda: {{ reference }}",
        "body": """Yth. Bapak/Ibu {{ name }},

Dalam rangka menindaklanjuti pengaduan Bapak/Ibu nomor {{ reference }} perihal {{ summary }}, petugas kami memerlukan keterangan tambahan dari Bapak/Ibu.{% if question %}

Pertanyaan petugas:
{{ question }}{% endif %}

Mohon kesediaan Bapak/Ibu untuk menjawabnya melalui {{ track_url }} dengan memasukkan kode lacak {{ tracking_code }}. Pada halaman tersebut Bapak/Ibu juga dapat melampirkan dokumen atau foto pendukung.

Terima kasih atas bantuan dan kerja sama Bapak/Ibu.
""" + COMPLAINANT_SIGNATURE,
    },
    {
        "key": "step_assigned",
        "description": "Kepada petugas yang memegang peran pelaksana, saat sebuah langkah masuk ke kotak kerjanya. "
                       + STAFF_VARIABLES,
        "subject": "Pengaduan {{ reference }} menunggu langkah {{ step_number }}",
        "body": """Yth. Bapak/Ibu {{ recipient_name }},

Pengaduan {{ reference }} perihal {{ summary }} menunggu penanganan Bapak/Ibu sebagai {{ role_title }} pada langkah {{ step_number }}:
{{ step_description }}

Batas waktu: {{ due_at }}

Pengaduan tersebut dapat dibuka di {{ complaint_url }}

Terima kasih.
""" + STAFF_SIGNATURE,
    },
    {
        "key": "reminder",
        "description": "Kepada petugas pelaksana, saat sebagian waktu langkah telah berjalan. " + STAFF_VARIABLES
                       + " Tambahan: {{ share }} persentase waktu yang telah berjalan.",
        "subject": "Pengingat: langkah {{ step_number }} pengaduan {{ reference }}, batas waktu {{ due_at }}",
        "body": """Yth. Bapak/Ibu {{ recipient_name }},

Kami mengingatkan bahwa {{ share }}% waktu langkah {{ step_number }} pengaduan {{ reference }} perihal {{ summary }} telah berjalan.

Langkah: {{ step_description }}
Pelaksana: {{ role_title }}
Batas waktu: {{ due_at }}

Mohon langkah tersebut dapat diselesaikan sebelum batas waktu. Pengaduan dapat dibuka di {{ complaint_url }}

Terima kasih atas perhatian Bapak/Ibu.
""" + STAFF_SIGNATURE,
    },
    {
        "key": "escalation",
        "description": "Kepada atasan (peran eskalasi unit), saat sebuah langkah melewati batas waktunya. "
                       + STAFF_VARIABLES + " Tambahan: {{ share }} persentase waktu yang telah berjalan.",
        "subject": "Batas waktu terlampaui: langkah {{ step_number }} pengaduan {{ reference }}",
        "body": """Yth. Bapak/Ibu {{ recipient_name }},

Dengan hormat kami laporkan bahwa langkah {{ step_number }} pengaduan {{ reference }} perihal {{ summary }} telah melewati batas waktunya dan belum diselesaikan.

Langkah: {{ step_description }}
Pelaksana: {{ role_title }}
Batas waktu: {{ due_at }}

Mohon perhatian Bapak/Ibu agar pengaduan ini dapat segera ditindaklanjuti. Pengaduan dapat dibuka di {{ complaint_url }}

Terima kasih.
""" + STAFF_SIGNATURE,
    },
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    for template in TEMPLATES:
        MessageTemplate.objects.get_or_create(key=template["key"], defaults=template)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
