"""Five indexes fewer for a new complaint to write (bench/profile_intake.py --pages): the foreign keys nothing looks
rows up by (a complaint's SOP version, a step's unit and SOP step, a complaint figure's unit) lose their index,
and who did a step gets a partial index, written when the step is done rather than when it starts. See "keys
without an index" in complaints/models.py; the indexes are dropped by name, not by rebuilding the tables
(migration_ops)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from pengaduan.complaints.migration_ops import without_own_index


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0026_search_in_batches'),
        ('sop', '0001_initial'),
        ('units', '0007_stamp'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        without_own_index('complaint', 'complaints_complaint', 'sop', models.ForeignKey(db_index=False, help_text='The SOP version this complaint started under; it keeps it to the end.', on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='sop.sop', verbose_name='SOP version')),
        without_own_index('complaintfigure', 'complaints_complaintfigure', 'unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit')),
        without_own_index('steprun', 'complaints_steprun', 'done_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
        without_own_index('steprun', 'complaints_steprun', 'step', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='sop.sopstep')),
        without_own_index('steprun', 'complaints_steprun', 'unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='unit')),
        migrations.AddIndex(
            model_name='steprun',
            index=models.Index(condition=models.Q(('done_by__isnull', False)), fields=['done_by'], name='complaints_steprun_done_by'),
        ),
    ]
