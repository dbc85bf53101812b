"""Fewer indexes for a new complaint to write (bench/peer.py --intake): the foreign keys that another index
already starts with lose their own index, the register's index that repeated its unique constraint's goes, and
the keys that are mostly empty (a linked case, who extended a deadline, an event's officer) get partial indexes.
On PostgreSQL the tracking code hash also loses the second index Django makes for a unique text column, for
LIKE 'prefix%' searches, which a hash never gets.

On SQLite Django would rebuild a table to change a field's db_index, which drops the table's triggers (the
full-text index, the append-only events) and copies every row: here only the index is dropped, by the name Django
gave it, and the field changes in the migration state alone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from pengaduan.complaints.migration_ops import without_like_index, without_own_index


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0024_event_kinds_of_every_branch'),
        ('sop', '0001_initial'),
        ('units', '0007_stamp'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        without_like_index('complaints_complaint', 'tracking_code_hash'),
        migrations.RemoveIndex(
            model_name='complaint',
            name='complaints_register_order',
        ),
        without_own_index('complaint', 'complaints_complaint', 'linked_to', models.ForeignKey(blank=True, db_index=False, help_text='An existing case this complaint repeats or adds to.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='linked_complaints', to='complaints.complaint', verbose_name='linked to')),
        without_own_index('complaint', 'complaints_complaint', 'unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='units.unit', verbose_name='unit')),
        without_own_index('daycount', 'complaints_daycount', 'unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='units.unit')),
        without_own_index('event', 'complaints_event', 'actor', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
        without_own_index('event', 'complaints_event', 'complaint', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='complaints.complaint')),
        without_own_index('reminder', 'complaints_reminder', 'step_run', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='complaints.steprun')),
        without_own_index('steprun', 'complaints_steprun', 'complaint', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='step_runs', to='complaints.complaint')),
        without_own_index('steprun', 'complaints_steprun', 'extended_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='extended by')),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(condition=models.Q(('linked_to__isnull', False)), fields=['linked_to'], name='complaints_linked_to'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(condition=models.Q(('actor__isnull', False)), fields=['actor'], name='complaints_event_by_actor'),
        ),
        migrations.AddIndex(
            model_name='steprun',
            index=models.Index(condition=models.Q(('extended_by__isnull', False)), fields=['extended_by'], name='complaints_steprun_extended_by'),
        ),
    ]
