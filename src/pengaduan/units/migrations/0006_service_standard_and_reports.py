"""The public service standard's settings (maklumat, complaint officer), the unit head's role and the day the
periodic reports go out; since when a membership is held."""

import django.core.validators
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0005_pemda_portal'),
    ]

    operations = [
        # Roles given before this migration have no date (left empty, not today's); new ones get their moment.
        migrations.AddField(
            model_name='membership',
            name='created_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='since'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='created_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True, verbose_name='since'),
        ),
        migrations.AddField(
            model_name='unit',
            name='complaint_officer',
            field=models.CharField(blank=True, help_text="Who handles complaints, named on the service standard, e.g. Ani Rahayu (JFU), 0351-123456. Empty: the performer of the SOP's first step, with the unit's telephone and e-mail.", max_length=200, verbose_name='complaint officer'),
        ),
        migrations.AddField(
            model_name='unit',
            name='head_role',
            field=models.CharField(blank=True, help_text="The role of the unit's head (e.g. inspektur, kepala_dinas): receives the periodic reports and may download the evidence pack. Empty: the last of the escalation roles.", max_length=32, validators=[django.core.validators.RegexValidator('^[a-z][a-z0-9_]*$', 'Use lower-case letters, digits and underscores, starting with a letter.')], verbose_name="unit head's role"),
        ),
        migrations.AddField(
            model_name='unit',
            name='maklumat',
            field=models.TextField(blank=True, help_text="The unit's public pledge, shown on its service standard page. Empty: a standard text in the unit's name.", verbose_name='service pledge (maklumat pelayanan)'),
        ),
        migrations.AddField(
            model_name='unit',
            name='report_day',
            field=models.PositiveSmallIntegerField(default=5, help_text="The monthly, quarterly and yearly reports are sent to the unit's head and the oversight role on this day of the month after the period (1-28); 0: not sent.", validators=[django.core.validators.MaxValueValidator(28)], verbose_name='periodic reports sent on day'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.CheckConstraint(condition=models.Q(('report_day__lte', 28)), name='units_unit_report_day_in_month'),
        ),
    ]
