"""Keep Wagtail's page permissions in step with the organizer role.

Wagtail grants page and collection permissions through groups; organizers get
the group that Wagtail's initial data gives full editorial rights (Moderators).
"""

from django.contrib.auth.models import Group
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .enums import Role
from .models import Membership

EDITORIAL_GROUP = "Moderators"


def _sync(user) -> None:
    group = Group.objects.filter(name=EDITORIAL_GROUP).first()
    if group is None:
        return
    if user.memberships.filter(role=Role.ORGANIZER).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, **kwargs) -> None:
    _sync(instance.user)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs) -> None:
    _sync(instance.user)
