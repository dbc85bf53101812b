"""A first catalogue of Open311 services (complaint categories); the admin edits it from there."""

from django.db import migrations

SUBJECT = {
    "code": "subject", "datatype": "string", "required": True, "order": 1,
    "description": "Kantor, layanan atau petugas yang diadukan",
}

SERVICES = [
    {
        "code": "pungutan-liar", "name": "Pungutan liar", "group": "Integritas",
        "keywords": "pungli, uang pelicin, biaya tambahan, suap",
        "description": "Petugas meminta uang atau imbalan di luar biaya resmi layanan.",
        "metadata": True,
        "attributes": [SUBJECT, {
            "code": "amount", "datatype": "number", "required": False, "order": 2,
            "description": "Jumlah uang yang diminta (Rp)",
        }],
    },
    {
        "code": "pelayanan-lambat", "name": "Pelayanan lambat", "group": "Pelayanan",
        "keywords": "lama, antre, terlambat, tidak selesai",
        "description": "Layanan tidak selesai dalam waktu yang dijanjikan dalam standar pelayanan.",
        "metadata": True,
        "attributes": [SUBJECT, {
            "code": "service_kind", "datatype": "singlevaluelist", "required": False, "order": 2,
            "description": "Jenis layanan",
            "values": [
                {"key": "kependudukan", "name": "KTP, KK, akta"},
                {"key": "perizinan", "name": "Perizinan"},
                {"key": "kesehatan", "name": "Kesehatan"},
                {"key": "pendidikan", "name": "Pendidikan"},
                {"key": "lainnya", "name": "Lainnya"},
            ],
        }],
    },
    {
        "code": "perilaku-petugas", "name": "Perilaku petugas", "group": "Integritas",
        "keywords": "tidak sopan, kasar, diskriminasi",
        "description": "Petugas bersikap tidak sopan, tidak ramah atau membeda-bedakan.",
        "metadata": True,
        "attributes": [SUBJECT],
    },
    {
        "code": "informasi-layanan", "name": "Informasi layanan", "group": "Informasi",
        "keywords": "persyaratan, jadwal, biaya resmi",
        "description": "Informasi persyaratan, biaya atau waktu layanan tidak tersedia atau tidak jelas.",
        "metadata": False, "attributes": [],
    },
    {
        "code": "lainnya", "name": "Lainnya", "group": "Lainnya", "keywords": "",
        "description": "Pengaduan pelayanan publik lainnya.",
        "metadata": False, "attributes": [],
    },
]


def seed(apps, schema_editor):
    Service = apps.get_model("api", "Open311Service")
    for service in SERVICES:
        Service.objects.get_or_create(code=service["code"], defaults=service)


def unseed(apps, schema_editor):
    Service = apps.get_model("api", "Open311Service")
    Service.objects.filter(code__in=[service["code"] for service in SERVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
