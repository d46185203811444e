import importlib

from django.db import migrations, models

_facets = importlib.import_module("achievements.migrations.0003_facet_index")


def clear_files_already_published(apps, schema_editor):
    """Files that were on an achievement when a reviewer last published it
    were seen by that reviewer; files added since wait for review."""
    Attachment = apps.get_model("achievements", "Attachment")
    for attachment in Attachment.objects.select_related("achievement").filter(
        achievement__published_at__isnull=False
    ):
        published_at = attachment.achievement.published_at
        if (
            attachment.achievement.publication != "none"
            and attachment.created_at <= published_at
        ):
            Attachment.objects.filter(pk=attachment.pk).update(cleared_at=published_at)


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0005_investor_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="achievement",
            name="revision",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="版本"
            ),
        ),
        migrations.AddField(
            model_name="attachment",
            name="cleared_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="审查通过时间"
            ),
        ),
        migrations.RunPython(clear_files_already_published, migrations.RunPython.noop),
        # SQLite rebuilt the table to add a column with a default.
        migrations.RunPython(
            _facets.restore_sqlite_triggers, _facets.restore_sqlite_triggers
        ),
    ]
