# The counters moved here from the portal. The table stays as it is: this migration only tells Django's
# state that the model now belongs to this app (portal 0002 forgets it there).

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ThrottleCounter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200)),
                        ("window_start", models.DateTimeField()),
                        ("hits", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "portal_throttlecounter",
                        "indexes": [models.Index(fields=["window_start"], name="portal_throttle_window")],
                        "constraints": [
                            models.UniqueConstraint(fields=("key", "window_start"),
                                                    name="portal_throttlecounter_unique_window"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
