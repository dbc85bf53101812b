# An attempt counted in the transaction of what it does is refused by the database when it is one too many
# (throttle.services.prepare_count): the counters that are there keep no cap.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('throttle', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='throttlecounter',
            name='cap',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='throttlecounter',
            constraint=models.CheckConstraint(condition=models.Q(('hits__lte', models.F('cap')), ('cap__isnull', True), _connector='OR'), name='throttle_within_cap'),
        ),
    ]
