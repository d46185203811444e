"""The personal link of an invitation: the invitation's id and an HMAC over
the id and its own nonce (as the calendar feeds sign theirs), so a token
never opens another invitation and a new nonce revokes the old link."""

import hashlib
import hmac

from django.conf import settings

from .models import Invitation


def invitation_token(invitation: Invitation) -> str:
    message = f"invitation:{invitation.pk}:{invitation.nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return f"{invitation.pk}-{digest[:40]}"


def invitation_for_token(token: str) -> Invitation | None:
    pk, _sep, _digest = token.partition("-")
    if not pk.isdigit() or len(pk) > 12:
        return None
    invitation = (
        Invitation.objects.select_related("roadshow", "organization")
        .filter(pk=int(pk))
        .first()
    )
    if invitation is None or not hmac.compare_digest(
        invitation_token(invitation), token
    ):
        return None
    return invitation
