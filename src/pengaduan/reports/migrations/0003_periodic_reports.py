"""Periodic reports sent on schedule, kept as sent."""

import django.db.models.deletion
import pengaduan.reports.models
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('reports', '0002_figures_moved'),
        ('units', '0006_service_standard_and_reports'),
    ]

    operations = [
        migrations.CreateModel(
            name='PeriodicReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('month', 'Monthly'), ('quarter', 'Quarterly'), ('year', 'Yearly')], max_length=10, verbose_name='kind')),
                ('period_start', models.DateField(verbose_name='period from')),
                ('period_end', models.DateField(verbose_name='period until (exclusive)')),
                ('generated_at', models.DateTimeField(verbose_name='generated at')),
                ('file', models.FileField(max_length=200, upload_to=pengaduan.reports.models.periodic_report_path, verbose_name='file')),
                ('size', models.PositiveIntegerField(verbose_name='size')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('recipients', models.JSONField(blank=True, default=list, verbose_name='sent to')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='periodic_reports', to='units.unit', verbose_name='unit')),
            ],
            options={
                'verbose_name': 'periodic report',
                'verbose_name_plural': 'periodic reports',
                'ordering': ['-period_start', 'kind'],
                'indexes': [models.Index(fields=['unit', '-period_start'], name='reports_periodic_by_unit')],
                'constraints': [models.UniqueConstraint(fields=('unit', 'kind', 'period_start'), name='reports_periodicreport_once_per_period'), models.CheckConstraint(condition=models.Q(('kind__in', ['month', 'quarter', 'year'])), name='reports_periodicreport_kind_valid'), models.CheckConstraint(condition=models.Q(('period_end__gt', models.F('period_start'))), name='reports_periodicreport_period_not_empty')],
            },
        ),
    ]
