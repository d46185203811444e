"""What the account views (the workspace's and the admin's) do alike: a
revocation posted as a form, and a technology manager's delegation granted
from its form."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import services
from .forms import DelegationRevokeForm


def first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


def revoke_posted(
    request,
    form,
    *,
    key: str,
    revoke: Callable[[Any], Any],
    success: Callable[[Any], str],
    to: str,
):
    """The form's ``key`` revoked through ``revoke``: its problem or the
    message ``success`` shown, and back to the page ``to``."""
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(to)
    target = form.cleaned_data[key]
    try:
        revoke(target)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(target))
    return redirect(to)


def delegation_revoke_posted(request, *, to: str):
    """A delegation revoked from the posted DelegationRevokeForm."""
    return revoke_posted(
        request,
        DelegationRevokeForm(request.POST),
        key="delegation",
        revoke=lambda delegation: services.delegation_revoke(
            delegation=delegation, by=request.user
        ),
        success=lambda delegation: (
            _("已撤销 %(manager)s 对%(institution)s的代理。")
            % {"manager": delegation.manager, "institution": delegation.institution}
        ),
        to=to,
    )


def delegation_grant_from(form, *, by):
    """The delegation a valid DelegationGrantForm asks for, granted."""
    data = form.cleaned_data
    return services.delegation_grant(
        institution=data["institution"],
        manager=data["manager_user"],
        office=data["office"],
        since=data["since"],
        until=data["until"],
        by=by,
    )
