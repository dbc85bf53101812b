"""Seed the default answer templates (for every unit without its own), one per follow-up decision.

The texts are content, in polite standard Indonesian (naskah dinas); units edit them in the admin.
Placeholders: {register_number}, {received_date}, {summary}, {forward_to}, {order}, {unit}.
A paragraph whose placeholders are all empty ("{order}" alone, a sentence naming an empty
{forward_to}) is left out of the draft.
"""

from django.db import migrations

OPENING = (
    "Menindaklanjuti pengaduan Bapak/Ibu yang kami terima pada tanggal {received_date} dan tercatat dengan "
    "nomor registrasi {register_number} perihal {summary}, dengan hormat kami sampaikan hal-hal sebagai berikut."
)
CLOSING = (
    "Demikian kami sampaikan. Atas perhatian dan kepercayaan Bapak/Ibu, kami ucapkan terima kasih."
)

TEMPLATES = {
    "answer": [
        OPENING,
        "Pengaduan Bapak/Ibu telah kami pelajari dengan saksama, termasuk keterangan dan bukti yang "
        "Bapak/Ibu sampaikan.",
        "{order}",
        "Apabila masih terdapat hal yang perlu dijelaskan, Bapak/Ibu dapat menghubungi kami melalui "
        "saluran pengaduan yang tersedia dengan menyebutkan nomor registrasi di atas.",
        CLOSING,
    ],
    "examination": [
        OPENING,
        "Pengaduan Bapak/Ibu telah kami pelajari dan akan ditindaklanjuti dengan pemeriksaan oleh "
        "Inspektur Pembantu (Irban) yang membidangi. Pemeriksaan dilaksanakan secara objektif dan "
        "identitas Bapak/Ibu sebagai pengadu kami lindungi.",
        "{order}",
        "Hasil pemeriksaan akan kami sampaikan kepada Bapak/Ibu setelah pemeriksaan selesai. "
        "Perkembangan penanganan pengaduan juga dapat Bapak/Ibu ikuti melalui laman pelacakan pengaduan.",
        CLOSING,
    ],
    "forward": [
        OPENING,
        "Setelah kami pelajari, permasalahan yang Bapak/Ibu sampaikan merupakan kewenangan {forward_to}. "
        "Oleh karena itu, pengaduan Bapak/Ibu telah kami teruskan kepada {forward_to} untuk ditindaklanjuti "
        "sesuai dengan ketentuan peraturan perundang-undangan. Bapak/Ibu tidak perlu menyampaikan ulang "
        "pengaduan tersebut.",
        "{order}",
        "Kami akan memantau tindak lanjut pengaduan tersebut, dan perkembangannya dapat Bapak/Ibu ikuti "
        "melalui laman pelacakan pengaduan dengan menyebutkan nomor registrasi di atas.",
        CLOSING,
    ],
    "not_within_authority": [
        OPENING,
        "Setelah kami pelajari dengan saksama, permasalahan yang Bapak/Ibu sampaikan berada di luar "
        "kewenangan {unit}, sehingga tidak dapat kami tindak lanjuti secara langsung. Hal ini tidak "
        "mengurangi penghargaan kami atas kepedulian Bapak/Ibu.",
        "Permasalahan tersebut dapat Bapak/Ibu sampaikan kepada instansi yang berwenang, yaitu {forward_to}.",
        "{order}",
        "Apabila Bapak/Ibu memerlukan penjelasan lebih lanjut mengenai instansi yang berwenang, Bapak/Ibu "
        "dapat menghubungi kami melalui saluran pengaduan yang tersedia. Bapak/Ibu juga dapat menyampaikan "
        "permasalahan tersebut kepada Ombudsman Republik Indonesia sebagai lembaga negara yang berwenang "
        "mengawasi penyelenggaraan pelayanan publik.",
        CLOSING,
    ],
}


def seed(apps, schema_editor):
    AnswerTemplate = apps.get_model("complaints", "AnswerTemplate")
    for decision_type, paragraphs in TEMPLATES.items():
        AnswerTemplate.objects.get_or_create(
            unit=None, decision_type=decision_type, defaults={"body": "\n\n".join(paragraphs)}
        )


def unseed(apps, schema_editor):
    AnswerTemplate = apps.get_model("complaints", "AnswerTemplate")
    AnswerTemplate.objects.filter(unit=None, decision_type__in=list(TEMPLATES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_workdesk"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
