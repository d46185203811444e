"""The first target period: the seeds' figures for 2022–2025 (seeds/004 一
and 四); organizers set the next ones in the admin."""

import datetime as dt

from django.db import migrations


def forwards(apps, schema_editor):
    TargetPeriod = apps.get_model("tracker", "TargetPeriod")
    if not TargetPeriod.objects.exists():
        TargetPeriod.objects.create(
            name="2022—2025",
            starts=dt.date(2022, 1, 1),
            ends=dt.date(2025, 12, 31),
            roadshows=80,
            promoted_national=3000,
            promoted_total=5000,
            landed=1000,
            cross_region=1000,
            local_northwest=1000,
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0003_documents_targets_digest")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
