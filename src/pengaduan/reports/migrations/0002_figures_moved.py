"""The two fact tables now belong to the complaints app (complaints 0008 adopted them): state only, the tables
and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_initial'),
        ('complaints', '0009_figures'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ComplaintStat'),
                migrations.DeleteModel(name='StepRunStat'),
            ],
            database_operations=[],
        ),
    ]
