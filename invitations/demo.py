"""Demo data for invitations: a saved list "银行 · 四川", and on the next
published roadshow a few invitations in each state (accepted with two people
registered, declined, delegated, unanswered and reminded) and places kept
for invited guests — all through the services people use."""

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind
from accounts.models import Organization, User
from events.enums import RoadshowStatus
from events.models import Roadshow

from . import services
from .models import Invitation, InvitationList

SICHUAN_BANKS = [
    ("成都银行科技金融部", "kejin@cdbank.example"),
    ("四川银行科创金融中心", "kechuang@scbank.example"),
]


def seed_invitations() -> Roadshow | None:
    """Runs once: nothing happens when an invitation already exists.  The
    emails are not sent (the demo addresses are not real)."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
    ):
        return _seed()


def _org(name: str, kind: str, email: str) -> Organization:
    org, _created = Organization.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "contact_email": email,
            "investor_status": InvestorStatus.APPROVED,
        },
    )
    if not org.contact_email:
        org.contact_email = email
        org.save(update_fields=["contact_email"])
    return org


def _seed() -> Roadshow | None:
    if Invitation.objects.exists():
        return None
    organizer = User.objects.filter(username="organizer").first()
    roadshow = (
        Roadshow.objects.filter(
            status=RoadshowStatus.PUBLISHED, start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    if organizer is None or roadshow is None:
        return None
    banks = [
        _org(name, OrganizationKind.COMMERCIAL_BANK, email)
        for name, email in SICHUAN_BANKS
    ]
    ccb = _org(
        "中国建设银行科技金融事业部",
        OrganizationKind.COMMERCIAL_BANK,
        "kejin@ccb.example",
    )
    guidance = _org(
        "国科成果转化创业投资基金",
        OrganizationKind.GUIDANCE_SUB_FUND,
        "touzi@guoke.example",
    )
    market = _org(
        "长江科创股权投资基金", OrganizationKind.MARKET_FUND, "ir@cjkc.example"
    )
    exchange = _org(
        "上海技术交易所",
        OrganizationKind.TECHNOLOGY_EXCHANGE,
        "service@stex.example",
    )
    with transaction.atomic():
        saved, _created = InvitationList.objects.get_or_create(
            name="银行 · 四川", defaults={"created_by": organizer}
        )
        saved.organizations.add(*banks)
        if roadshow.capacity:
            services.invitation_places_set(
                roadshow=roadshow, places=min(20, roadshow.capacity), by=organizer
            )
        Invitee = services.Invitee
        batch = services.invitations_send(
            roadshow=roadshow,
            by=organizer,
            invitees=[
                Invitee(
                    organization=ccb,
                    name="刘行长",
                    email="liu.hang@ccb.example",
                    people=(
                        ("刘行长", "liu.hang@ccb.example"),
                        ("何经理", "he.jingli@ccb.example"),
                    ),
                ),
                Invitee(
                    organization=guidance, name="孙经理", email="sun@guoke.example"
                ),
                Invitee(organization=market, name="赵总", email="zhao@cjkc.example"),
                Invitee(
                    organization=exchange, name="钱主任", email="qian@stex.example"
                ),
            ],
            message="诚邀贵机构莅临，现场设投融资对接专区。",
        )
        by_org = {i.organization_id: i for i in batch.invitations.all()}
        services.invitation_accept(invitation=by_org[ccb.pk], by=None)
        services.invitation_decline(
            invitation=by_org[market.pk], by=None, reason="当天另有投决会，下月再参加。"
        )
        services.invitation_delegate(
            invitation=by_org[exchange.pk],
            by=None,
            name="吴经理",
            email="wu@stex.example",
        )
        services.invitations_send(
            roadshow=roadshow,
            by=organizer,
            invitees=[
                Invitee(organization=bank, name="", email=bank.contact_email)
                for bank in banks
            ],
            source="list",
            saved_list=saved,
        )
        services.invitations_remind(roadshow=roadshow, by=organizer)
    return roadshow
