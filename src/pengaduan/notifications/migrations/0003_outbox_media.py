"""Messages gain a medium: every existing row was an e-mail, so it keeps its address (the former `to`) on the
e-mail medium; nothing else changes."""

from django.db import migrations, models
from django.db.models import Q

import pengaduan.notifications.media.base


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_default_message_templates"),
    ]

    operations = [
        migrations.RenameField(model_name="outboxmessage", old_name="to", new_name="address"),
        migrations.AlterField(
            model_name="outboxmessage",
            name="address",
            field=models.CharField(max_length=254, verbose_name="to"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="medium",
            field=models.CharField(choices=pengaduan.notifications.media.base.choices, default="email",
                                   max_length=20, verbose_name="medium"),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="external_id",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="provider's message id",
                                   help_text="What the medium's provider calls this message, for its delivery "
                                             "reports."),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(condition=~Q(address=""), name="notifications_outboxmessage_has_address"),
        ),
    ]
