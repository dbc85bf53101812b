"""The register of data-subject requests, the DPO permission, and anonymous complaints made anonymous for real:
recorded before, they could keep the caller's number, the link to the post and who received the answer."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Identity keys of step outputs (complaints.privacy.OUTPUT_IDENTITY_FIELDS at the time of this migration).
OUTPUT_IDENTITY_FIELDS = ("complainant_name", "complainant_phone", "complainant_email", "complainant_address",
                          "caller_number", "source_link", "recipient")


def forget_anonymous_identities(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    StepRun = apps.get_model("complaints", "StepRun")
    anonymous = Complaint.objects.filter(is_anonymous=True)
    anonymous.exclude(caller_number="", source_link="").update(caller_number="", source_link="")
    for run in StepRun.objects.filter(complaint__in=anonymous).only("pk", "output").iterator(chunk_size=2000):
        if any(run.output.get(key) for key in OUTPUT_IDENTITY_FIELDS):
            run.output = {key: value for key, value in run.output.items() if key not in OUTPUT_IDENTITY_FIELDS}
            run.save(update_fields=["output"])


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0011_tracking_code_hash'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DataSubjectRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('access', 'Access (a copy of the data)'), ('correction', 'Correction'), ('erasure', 'Erasure'), ('objection', 'Objection to processing')], max_length=12, verbose_name='request')),
                ('requester', models.CharField(blank=True, help_text='Name as given; emptied when the identity is erased.', max_length=200, verbose_name='requester')),
                ('reference', models.CharField(blank=True, help_text="How the requester's complaints are found; emptied when the identity is erased.", max_length=254, verbose_name='e-mail, telephone number or tracking code')),
                ('details', models.TextField(blank=True, verbose_name='details')),
                ('received_at', models.DateTimeField(verbose_name='received at')),
                ('due_at', models.DateTimeField(verbose_name='answer due by')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('outcome', models.CharField(blank=True, choices=[('exported', 'Data exported and handed over'), ('erased', 'Identity erased'), ('corrected', 'Data corrected'), ('refused', 'Refused, with reasons'), ('other', 'Answered otherwise')], max_length=10, verbose_name='outcome')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('complaints', models.JSONField(blank=True, default=list, verbose_name='complaints concerned')),
                ('overdue_alerted_at', models.DateTimeField(blank=True, null=True, verbose_name='overdue alert sent at')),
            ],
            options={
                'verbose_name': 'data-subject request',
                'verbose_name_plural': 'data-subject requests',
                'ordering': ['due_at', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='accesslog',
            options={'ordering': ['-at'], 'permissions': [('act_as_dpo', 'Act as the data-protection officer (access log, data-subject requests)')], 'verbose_name': 'access log entry', 'verbose_name_plural': 'access log'},
        ),
        migrations.AlterField(
            model_name='accesslog',
            name='action',
            field=models.CharField(choices=[('view_identity', 'Viewed a confidential identity'), ('export', 'Exported the data of a data subject'), ('erase', 'Erased an identity at the end of its retention'), ('erase_request', "Erased an identity at the data subject's request")], max_length=20, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='event',
            name='kind',
            field=models.CharField(choices=[('received', 'Complaint received'), ('recorded', 'Recorded in the Buku Pengaduan'), ('step_started', 'Step started'), ('step_completed', 'Step completed'), ('coordination_requested', 'Coordination requested'), ('coordination_answered', 'Coordination answered'), ('closed', 'Case closed'), ('set_aside', 'Set aside'), ('information_requested', 'More information asked of the complainant'), ('information_given', 'Complainant added information'), ('rated', 'Complainant rated the answer'), ('linked', 'Linked to another complaint'), ('paused', 'Waiting for the complainant'), ('resumed', 'Clock resumed'), ('note', 'Internal note'), ('reminded', 'Reminder sent'), ('escalated', 'Deadline passed; superiors alerted'), ('code_issued', 'New tracking code issued on a reprinted receipt (the old one is void)')], max_length=32, verbose_name='event'),
        ),
        migrations.AddIndex(
            model_name='accesslog',
            index=models.Index(fields=['-at'], name='complaints_accesslog_recent'),
        ),
        migrations.AddIndex(
            model_name='accesslog',
            index=models.Index(fields=['user', '-at'], name='complaints_accesslog_by_user'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='answered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
        ),
        migrations.AddField(
            model_name='datasubjectrequest',
            name='recorded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by'),
        ),
        migrations.AddIndex(
            model_name='datasubjectrequest',
            index=models.Index(condition=models.Q(('answered_at__isnull', True)), fields=['due_at'], name='complaints_dsr_open'),
        ),
        migrations.AddConstraint(
            model_name='datasubjectrequest',
            constraint=models.CheckConstraint(condition=models.Q(('due_at__gt', models.F('received_at'))), name='complaints_dsr_due_after_receipt'),
        ),
        migrations.AddConstraint(
            model_name='datasubjectrequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('answered_at__isnull', True), ('outcome', '')), models.Q(('answered_at__isnull', False), ('answered_by__isnull', False), models.Q(('outcome', ''), _negated=True)), _connector='OR'), name='complaints_dsr_answered_has_outcome'),
        ),
        migrations.RunPython(forget_anonymous_identities, migrations.RunPython.noop),
    ]
