"""Keep Wagtail's page permissions in step with the organizer role.

Wagtail grants page and collection permissions through groups; organizers get
the group that Wagtail's initial data gives full editorial rights (Moderators).
"""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import permissions, ratelimit
from .backends import user_cache_key
from .enums import Role
from .models import Membership, Organization, User

EDITORIAL_GROUP = "Moderators"


def _sync(user) -> None:
    group = Group.objects.filter(name=EDITORIAL_GROUP).first()
    if group is None:
        return
    if user.memberships.filter(role=Role.ORGANIZER).exists():
        user.groups.add(group)
    else:
        user.groups.remove(group)


def _roles_changed() -> None:
    # Now (this transaction reads its own writes) and again after commit
    # (a request that cached the old roles meanwhile cached them under the
    # version this makes stale).
    permissions.memberships_changed()
    transaction.on_commit(permissions.memberships_changed)


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, **kwargs) -> None:
    _sync(instance.user)
    _roles_changed()


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs) -> None:
    _sync(instance.user)
    _roles_changed()


@receiver(post_save, sender=Organization)
@receiver(post_delete, sender=Organization)
def organization_changed(sender, instance: Organization, **kwargs) -> None:
    _roles_changed()  # the investor status is part of each membership read


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def user_changed(sender, instance: User, **kwargs) -> None:
    """The cached signed-in user is dropped now and again after commit."""
    key = user_cache_key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Only a password that was checked and wrong counts toward the delay (not
    a try refused while waiting, or by axes' lockout before the check)."""
    if request is not None and getattr(request, "login_checked", False):
        ratelimit.login_failed(credentials.get("username", ""))


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs) -> None:
    ratelimit.login_succeeded(user.get_username())
