# ThrottleCounter now belongs to the throttle app (throttle 0001), which keeps this table: only Django's state
# forgets the model here, nothing is dropped.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
        ("throttle", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ThrottleCounter")],
            database_operations=[],
        ),
    ]
