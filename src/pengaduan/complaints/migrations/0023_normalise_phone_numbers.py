"""Stored telephone numbers to E.164 (+62…) and e-mail addresses to lower case, so that a complainant is recognised
across channels by either. A number that cannot be read is left as it was (never lost); going back leaves the
normalised values (they are the same numbers)."""

import phonenumbers
from django.db import migrations

BATCH = 2000


# As pengaduan.phones (copied: a migration must not change when the code does).
def _phone(number):
    text = (number or "").strip()
    if not text:
        return ""
    candidate = "+" + text if text.isdigit() and text.startswith("62") else text
    try:
        parsed = phonenumbers.parse(candidate, "ID")
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(parsed):
        return text
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise(apps, schema_editor):
    Complainant = apps.get_model("complaints", "Complainant")
    Complaint = apps.get_model("complaints", "Complaint")
    last = 0
    while True:
        rows = list(Complainant.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "phone", "email")[:BATCH])
        if not rows:
            break
        for pk, phone, email in rows:
            changes = {}
            if phone and _phone(phone) != phone:
                changes["phone"] = _phone(phone)
            if email and email.strip().lower() != email:
                changes["email"] = email.strip().lower()
            if changes:
                Complainant.objects.filter(pk=pk).update(**changes)
        last = rows[-1][0]
    for pk, number in Complaint.objects.exclude(caller_number="").values_list("pk", "caller_number").iterator():
        if _phone(number) != number:
            Complaint.objects.filter(pk=pk).update(caller_number=_phone(number))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0022_complainant_channels")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
