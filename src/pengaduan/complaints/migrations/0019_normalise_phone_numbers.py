"""Stored telephone numbers to E.164 (+62…) and e-mail addresses to lower case, so that a complainant is recognised
across channels by either. A number that cannot be read is left as it was (never lost); going back leaves the
normalised values (they are the same numbers)."""

from django.db import migrations

BATCH = 2000


def normalise(apps, schema_editor):
    from pengaduan.phones import normalise_email, normalised_or_as_given

    Complainant = apps.get_model("complaints", "Complainant")
    Complaint = apps.get_model("complaints", "Complaint")
    last = 0
    while True:
        rows = list(Complainant.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "phone", "email")[:BATCH])
        if not rows:
            break
        for pk, phone, email in rows:
            changes = {}
            if phone and normalised_or_as_given(phone) != phone:
                changes["phone"] = normalised_or_as_given(phone)
            if email and normalise_email(email) != email:
                changes["email"] = normalise_email(email)
            if changes:
                Complainant.objects.filter(pk=pk).update(**changes)
        last = rows[-1][0]
    for pk, number in Complaint.objects.exclude(caller_number="").values_list("pk", "caller_number").iterator():
        if normalised_or_as_given(number) != number:
            Complaint.objects.filter(pk=pk).update(caller_number=normalised_or_as_given(number))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0018_complainant_channels")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
