"""What livestream hears from apps that do not know it: roadshows changing
(events), and accounts, organizations and sessions changing (accounts and
Django's auth) — each of which may change who may watch a live room."""

from django.db import transaction

from accounts.models import Membership, Organization

from . import broadcast
from .models import Room
from .services.moderation import room_announce


def on_roadshow_changed(sender, roadshow_id: int, **kwargs) -> None:
    room_announce(roadshow_id=roadshow_id)
    # Cancelled, made investors-only, unpublished…: every viewer is judged again.
    room_id = Room.objects.filter(roadshow_id=roadshow_id).values_list("pk", flat=True)
    for pk in room_id:
        broadcast.access_changed(room_id=pk)


def _judge_after_commit(user_ids) -> None:
    user_ids = list(user_ids)
    if user_ids:
        transaction.on_commit(lambda: broadcast.access_changed(user_ids=user_ids))


def on_membership_changed(sender, instance: Membership, **kwargs) -> None:
    _judge_after_commit([instance.user_id])


def on_delegation_changed(sender, instance, **kwargs) -> None:
    """A technology manager's delegation granted, ended or revoked: what the
    manager may enter changes (meeting rooms listen to the same notice)."""
    _judge_after_commit([instance.manager_id])


def on_organization_changed(sender, instance: Organization, **kwargs) -> None:
    """An organization's investor status (approved, revoked…) is part of
    every member's rights."""
    _judge_after_commit(
        Membership.objects.filter(organization_id=instance.pk).values_list(
            "user_id", flat=True
        )
    )


def on_user_changed(sender, instance, created: bool = False, **kwargs) -> None:
    """Deactivated, deleted, made a superuser or not… (a login only stamps
    ``last_login``: nothing to judge)."""
    if created or set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return
    _judge_after_commit([instance.pk])


def on_logged_out(sender, request, user, **kwargs) -> None:
    """The session is about to be flushed: the sockets it opened close."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if key:
        transaction.on_commit(lambda: broadcast.access_changed(session_keys=[key]))
