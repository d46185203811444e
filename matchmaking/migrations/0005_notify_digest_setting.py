"""The weekly digest's opt-out moves to the one notification settings page
(accounts.NotificationSetting, kind "matchmaking.digest"): every stored
choice is copied — both "off" and "on" (on is the default, so it changes
nothing) — then the old table goes. Nothing fails to map."""

from django.db import migrations


def copy_choices(apps, schema_editor):
    DigestPreference = apps.get_model("matchmaking", "DigestPreference")
    NotificationSetting = apps.get_model("accounts", "NotificationSetting")
    for preference in DigestPreference.objects.all():
        NotificationSetting.objects.update_or_create(
            user_id=preference.user_id,
            kind="matchmaking.digest",
            defaults={"email": preference.weekly_digest},
        )


def copy_back(apps, schema_editor):
    DigestPreference = apps.get_model("matchmaking", "DigestPreference")
    NotificationSetting = apps.get_model("accounts", "NotificationSetting")
    for setting in NotificationSetting.objects.filter(kind="matchmaking.digest"):
        DigestPreference.objects.update_or_create(
            user_id=setting.user_id, defaults={"weekly_digest": setting.email}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0004_demands_responses"),
        ("accounts", "0007_notify_notifications"),
    ]

    operations = [
        migrations.RunPython(copy_choices, copy_back),
        migrations.DeleteModel(name="DigestPreference"),
    ]
