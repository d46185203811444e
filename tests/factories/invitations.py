"""Builders for invitations: a published roadshow, a bank, an invitation
sent through the service (with its token)."""

import datetime as dt

from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind
from events.models import Roadshow
from invitations.services import Invitee, invitations_send
from invitations.tokens import invitation_token
from tests.factories import make_org
from tests.factories.events import make_roadshow


def make_published_roadshow(*, lead_host, **overrides) -> Roadshow:
    data = {
        "status": "published",
        "first_published_at": timezone.now() - dt.timedelta(days=1),
        "title": "新材料领域成果路演",
    }
    data.update(overrides)
    return make_roadshow(lead_host=lead_host, **data)


def make_bank(name: str = "成都银行", **overrides):
    org = make_org(
        kind=OrganizationKind.COMMERCIAL_BANK,
        name=name,
        investor_status=InvestorStatus.APPROVED,
    )
    for key, value in overrides.items():
        setattr(org, key, value)
    if overrides:
        org.save()
    return org


def invite(*, roadshow, organization, by, email="contact@bank.example", people=()):
    batch = invitations_send(
        roadshow=roadshow,
        by=by,
        invitees=[
            Invitee(
                organization=organization,
                name="王联系",
                email=email,
                people=tuple(people),
            )
        ],
    )
    invitation = batch.invitations.get()
    return invitation, invitation_token(invitation)
