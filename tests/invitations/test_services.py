import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts import permissions
from accounts.enums import OrganizationKind, Role
from accounts.models import Membership, User
from events.enums import RegistrationStatus
from events.models import Registration
from events.registrations import places_left, registration_create
from invitations.enums import InvitationStatus
from invitations.management.commands.invitation_reminders import (
    nth_working_day_after,
)
from invitations.models import Invitation, InvitationBatch
from invitations.services import (
    InvitationError,
    Invitee,
    invitation_accept,
    invitation_decline,
    invitation_delegate,
    invitation_places_set,
    invitations_remind,
    invitations_send,
    parse_people,
)
from invitations.tokens import invitation_for_token, invitation_token
from tests.factories import make_org, make_user
from tests.factories.invitations import invite, make_bank, make_published_roadshow

PEOPLE = (("李行长", "li@bank.example"), ("赵经理", "zhao@bank.example"))


@pytest.fixture
def setting(roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"])
    return users["organizer"], roadshow, make_bank()


def test_invitations_send_emails_a_personal_link(
    setting, django_capture_on_commit_callbacks
):
    organizer, roadshow, bank = setting
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(
            roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
        )
    assert [m.to for m in mail.outbox] == [["contact@bank.example"]]
    assert f"/invitations/{token}/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "路演邀请：新材料领域成果路演"
    assert list(invitation.people.values_list("email", flat=True)) == [
        "li@bank.example",
        "zhao@bank.example",
    ]


def test_invitations_send_refuses_the_same_organization_twice(setting):
    organizer, roadshow, bank = setting
    invite(roadshow=roadshow, organization=bank, by=organizer)
    with pytest.raises(InvitationError) as refused:
        invite(
            roadshow=roadshow, organization=bank, by=organizer, email="x@bank.example"
        )
    assert (
        str(refused.value) == "“成都银行”已受邀参加本场路演（未答复），不能重复邀请。"
    )
    assert Invitation.objects.count() == 1


def test_invitations_send_is_all_or_nothing(setting):
    organizer, roadshow, bank = setting
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="某大学")
    with pytest.raises(InvitationError) as refused:
        invitations_send(
            roadshow=roadshow,
            by=organizer,
            invitees=[
                Invitee(organization=bank, name="", email="a@bank.example"),
                Invitee(organization=university, name="", email="b@u.example"),
            ],
        )
    assert str(refused.value) == "“某大学”（高等学校）不是可邀请的机构类型。"
    assert (Invitation.objects.count(), InvitationBatch.objects.count()) == (0, 0)


def test_invitations_send_refuses_a_bad_email_whole(setting):
    organizer, roadshow, bank = setting
    with pytest.raises(InvitationError) as refused:
        invite(
            roadshow=roadshow,
            organization=bank,
            by=organizer,
            people=(("李行长", "not-an-email"),),
        )
    assert str(refused.value) == "“not-an-email”不是有效的邮箱地址。"
    assert (Invitation.objects.count(), InvitationBatch.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "cancelled"}, "该路演已取消，邀请不再有效。"),
        ({"status": "closed"}, "该路演已经结束，邀请不再有效。"),
        (
            {"status": "scheduled", "first_published_at": None},
            "路演发布后才能发送邀请。",
        ),
    ],
)
def test_invitations_send_refuses_a_roadshow_not_open(setting, change, message):
    organizer, roadshow, bank = setting
    for key, value in change.items():
        setattr(roadshow, key, value)
    roadshow.save()
    with pytest.raises(InvitationError) as refused:
        invite(roadshow=roadshow, organization=bank, by=organizer)
    assert str(refused.value) == message


def test_invitations_send_refuses_a_past_roadshow(roles):
    users, orgs = roles
    now = timezone.now()
    past = make_published_roadshow(
        lead_host=orgs["torch"],
        start=now - dt.timedelta(days=2),
        end=now - dt.timedelta(days=2) + dt.timedelta(hours=3),
    )
    with pytest.raises(InvitationError) as refused:
        invite(roadshow=past, organization=make_bank(), by=users["organizer"])
    assert str(refused.value) == "该路演已经结束，邀请不再有效。"


def test_invitations_send_refuses_anyone_but_organizers(setting, roles):
    users, _orgs = roles
    _organizer, roadshow, bank = setting
    with pytest.raises(InvitationError) as refused:
        invite(roadshow=roadshow, organization=bank, by=users["investor"])
    assert str(refused.value) == "只有组织方可以管理邀请。"


def test_accept_registers_the_named_people_and_creates_missing_accounts(
    setting, django_capture_on_commit_callbacks
):
    organizer, roadshow, bank = setting
    existing = make_user(username="li")
    existing.email = "LI@bank.example"
    existing.save()
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registrations = invitation_accept(
            invitation=invitation, by=None, attendance="onsite"
        )
    zhao = User.objects.get(email="zhao@bank.example")
    assert [r.user for r in registrations] == [existing, zhao]
    assert {r.status for r in registrations} == {RegistrationStatus.CONFIRMED}
    assert (zhao.is_active, zhao.has_usable_password(), zhao.name) == (
        True,
        False,
        "赵经理",
    )
    membership = Membership.objects.get(user=zhao)
    assert (membership.organization, membership.role, membership.approved) == (
        bank,
        Role.INVESTOR,
        True,
    )
    assert permissions.is_approved_investor(zhao)
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "已为您创建路演平台账号",
        "报名成功：新材料领域成果路演",
        "报名成功：新材料领域成果路演",
    ]
    created = next(m for m in mail.outbox if m.subject == "已为您创建路演平台账号")
    assert created.to == ["zhao@bank.example"] and "/accounts/reset/" in created.body
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert [p.registration_id for p in invitation.people.all()] == [
        r.pk for r in registrations
    ]


def test_accept_without_named_people_registers_the_contact(setting):
    organizer, roadshow, bank = setting
    invitation, _token = invite(roadshow=roadshow, organization=bank, by=organizer)
    registrations = invitation_accept(invitation=invitation, by=None)
    assert [r.user.email for r in registrations] == ["contact@bank.example"]


def test_accept_twice_is_refused(setting):
    organizer, roadshow, bank = setting
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    invitation_accept(invitation=invitation, by=None)
    with pytest.raises(InvitationError) as refused:
        invitation_accept(invitation=invitation, by=None)
    assert str(refused.value).startswith("此邀请已于 ")
    assert str(refused.value).endswith(" 接受，链接不能再次使用。")
    assert Registration.objects.filter(roadshow=roadshow).count() == 2


def test_accept_by_someone_else_signed_in_is_refused(setting, roles):
    users, _orgs = roles
    organizer, roadshow, bank = setting
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    with pytest.raises(InvitationError) as refused:
        invitation_accept(invitation=invitation, by=users["investor"])
    assert str(refused.value) == (
        "此邀请发给 c***@bank.example，您当前登录的账号不是受邀人。"
        "请退出登录后再打开链接，或请受邀人本人答复。"
    )
    assert not Registration.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_accept_that_cannot_register_everyone_writes_nothing(setting):
    organizer, roadshow, bank = setting
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    gone = make_user(username="zhao")
    gone.email = "zhao@bank.example"
    gone.is_active = False
    gone.save()
    assert gone.deactivated_at is not None
    with pytest.raises(InvitationError) as refused:
        invitation_accept(invitation=invitation, by=None)
    assert str(refused.value) == "zhao@bank.example 的账号已被停用，不能报名。"
    assert not Registration.objects.exists()
    assert not User.objects.filter(email="li@bank.example").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_decline_records_the_reason(setting):
    organizer, roadshow, bank = setting
    invitation, _token = invite(roadshow=roadshow, organization=bank, by=organizer)
    invitation_decline(invitation=invitation, by=None, reason="当天另有安排")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.reason) == ("declined", "当天另有安排")
    with pytest.raises(InvitationError):
        invitation_accept(invitation=invitation, by=None)


def test_delegate_sends_a_new_link_and_uses_up_the_old(
    setting, django_capture_on_commit_callbacks
):
    organizer, roadshow, bank = setting
    invitation, old_token = invite(
        roadshow=roadshow,
        organization=bank,
        by=organizer,
        email="li@bank.example",
        people=PEOPLE,
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        successor = invitation_delegate(
            invitation=invitation, by=None, name="钱主管", email="Qian@bank.example"
        )
    new_token = invitation_token(successor)
    assert [m.to for m in mail.outbox] == [["qian@bank.example"]]
    assert f"/invitations/{new_token}/" in mail.outbox[0].body
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DELEGATED
    # The colleague takes the contact's place among the people.
    assert list(successor.people.values_list("name", "email")) == [
        ("钱主管", "qian@bank.example"),
        ("赵经理", "zhao@bank.example"),
    ]
    with pytest.raises(InvitationError) as refused:
        invitation_accept(invitation=invitation_for_token(old_token), by=None)
    assert "转交给 q***@bank.example" in str(refused.value)
    registrations = invitation_accept(invitation=successor, by=None)
    assert len(registrations) == 2
    # Brought in by the delegation, not named by the organizers: waits.
    qian = User.objects.get(email="qian@bank.example")
    assert Membership.objects.get(user=qian).approved is False
    assert Membership.objects.get(user__email="zhao@bank.example").approved is True


def test_delegate_back_along_the_chain_is_a_loop(setting):
    organizer, roadshow, bank = setting
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, email="a@bank.example"
    )
    second = invitation_delegate(
        invitation=invitation, by=None, name="乙", email="b@bank.example"
    )
    third = invitation_delegate(
        invitation=second, by=None, name="丙", email="c@bank.example"
    )
    with pytest.raises(InvitationError) as refused:
        invitation_delegate(
            invitation=third, by=None, name="甲", email="a@bank.example"
        )
    assert str(refused.value) == (
        "此邀请已经由 a@bank.example 转交过，不能再转回（转交不能成环）。"
    )
    with pytest.raises(InvitationError) as to_self:
        invitation_delegate(
            invitation=third, by=None, name="丙", email="c@bank.example"
        )
    assert str(to_self.value) == "不能把邀请转交给自己。"
    third.refresh_from_db()
    assert third.status == InvitationStatus.PENDING
    assert Invitation.objects.filter(roadshow=roadshow).count() == 3


def test_a_token_opens_its_own_invitation_only(setting):
    organizer, roadshow, bank = setting
    first, first_token = invite(roadshow=roadshow, organization=bank, by=organizer)
    second, second_token = invite(
        roadshow=roadshow, organization=make_bank("绵阳银行"), by=organizer
    )
    assert invitation_for_token(first_token) == first
    assert invitation_for_token(second_token) == second
    digest = first_token.partition("-")[2]
    assert invitation_for_token(f"{second.pk}-{digest}") is None
    assert invitation_for_token("x-y") is None
    first.nonce = "0" * 32
    first.save()
    assert invitation_for_token(first_token) is None


def _fill(roadshow, n):
    for _i in range(n):
        registration_create(roadshow=roadshow, user=make_user(), attendance="onsite")


def test_reserved_places_admit_invitees_when_the_public_is_full(setting):
    organizer, roadshow, bank = setting
    roadshow.capacity = 4
    roadshow.save()
    invitation_places_set(roadshow=roadshow, places=2, by=organizer)
    roadshow.refresh_from_db()
    _fill(roadshow, 2)
    assert places_left(roadshow=roadshow) == 0
    assert places_left(roadshow=roadshow, reserved=True) == 2
    late = registration_create(roadshow=roadshow, user=make_user(), attendance="onsite")
    assert late.status == RegistrationStatus.WAITLISTED
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    registrations = invitation_accept(invitation=invitation, by=None)
    assert [(r.status, r.reserved) for r in registrations] == [
        (RegistrationStatus.CONFIRMED, True),
        (RegistrationStatus.CONFIRMED, True),
    ]
    assert places_left(roadshow=roadshow, reserved=True) == 0


def test_without_reserved_places_invitees_wait_like_everyone(setting):
    organizer, roadshow, bank = setting
    roadshow.capacity = 2
    roadshow.save()
    _fill(roadshow, 2)
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    registrations = invitation_accept(invitation=invitation, by=None)
    assert {r.status for r in registrations} == {RegistrationStatus.WAITLISTED}


def test_fewer_reserved_places_go_to_the_waitlist(setting):
    organizer, roadshow, _bank = setting
    roadshow.capacity = 3
    roadshow.save()
    invitation_places_set(roadshow=roadshow, places=2, by=organizer)
    roadshow.refresh_from_db()
    _fill(roadshow, 2)
    waiting = Registration.objects.get(status=RegistrationStatus.WAITLISTED)
    invitation_places_set(roadshow=roadshow, places=1, by=organizer)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_reserved_places_never_exceed_the_capacity(setting):
    organizer, roadshow, _bank = setting
    with pytest.raises(InvitationError) as unlimited:
        invitation_places_set(roadshow=roadshow, places=3, by=organizer)
    assert str(unlimited.value) == "本场路演未设现场名额上限，无需预留邀请名额。"
    roadshow.capacity = 2
    roadshow.save()
    with pytest.raises(InvitationError) as over:
        invitation_places_set(roadshow=roadshow, places=3, by=organizer)
    assert str(over.value) == "预留邀请名额不能超过现场名额（2）。"


def test_remind_reaches_only_the_unanswered_once_a_day(
    setting, django_capture_on_commit_callbacks
):
    organizer, roadshow, bank = setting
    pending, _t = invite(roadshow=roadshow, organization=bank, by=organizer)
    answered, _t = invite(
        roadshow=roadshow,
        organization=make_bank("绵阳银行"),
        by=organizer,
        email="m@bank.example",
    )
    invitation_decline(invitation=answered, by=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations_remind(roadshow=roadshow, by=organizer) == 1
        assert invitations_remind(roadshow=roadshow, by=organizer) == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["contact@bank.example"], "提醒：请答复路演邀请“新材料领域成果路演”")
    ]
    pending.refresh_from_db()
    assert pending.reminders_sent == 1


def test_nth_working_day_skips_holidays_and_counts_adjusted_weekends():
    # 2026-09-30 (Wed) → 10-01..10-07 National Day; 10-08 (Thu) works.
    assert nth_working_day_after(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert nth_working_day_after(dt.date(2026, 9, 30), 0) == dt.date(2026, 9, 30)


def test_reminder_command_reminds_n_working_days_before_the_deadline(
    setting, django_capture_on_commit_callbacks, monkeypatch
):
    organizer, roadshow, bank = setting
    invite(roadshow=roadshow, organization=bank, by=organizer)
    # Today is Wednesday 2027-03-03; two working days on is Friday 03-05.
    now = dt.datetime(2027, 3, 3, 9, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: now)
    roadshow.registration_closes = dt.datetime(2027, 3, 5, 10, tzinfo=dt.UTC)
    roadshow.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invitation_reminders", "--days", "3", stdout=_Null())
        assert mail.outbox == []
        call_command("invitation_reminders", "--days", "2", stdout=_Null())
    assert [m.to for m in mail.outbox] == [["contact@bank.example"]]


class _Null:
    def write(self, text):
        pass


def test_parse_people_reads_one_person_per_line():
    assert parse_people(
        "李行长 li@bank.example\n\n赵经理 <zhao@bank.example>\n钱，qian@b.cn"
    ) == [
        ("李行长", "li@bank.example"),
        ("赵经理", "zhao@bank.example"),
        ("钱", "qian@b.cn"),
    ]
    with pytest.raises(InvitationError) as refused:
        parse_people("li@bank.example")
    assert str(refused.value) == "第 1 行应为“姓名 邮箱”。"


def test_expected_audience_counts_the_demand_side_by_kind(setting, roles):
    users, orgs = roles
    organizer, roadshow, bank = setting
    # An account of nobody's, named by the bank's invitation: counted there.
    outsider = make_user(username="li")
    outsider.email = "li@bank.example"
    outsider.save()
    invitation, _token = invite(
        roadshow=roadshow, organization=bank, by=organizer, people=PEOPLE
    )
    invitation_accept(invitation=invitation, by=None)
    invite(
        roadshow=roadshow,
        organization=make_bank("绵阳银行"),
        by=organizer,
        email="m@bank.example",
    )
    registration_create(roadshow=roadshow, user=users["investor"], attendance="onsite")
    enterprise_team = make_user(role=Role.TEAM, org=orgs["enterprise"])
    registration_create(roadshow=roadshow, user=enterprise_team, attendance="onsite")
    from invitations.selectors import expected_audience

    rows = {
        row.kind: (row.institutions, row.people, row.awaiting)
        for row in expected_audience(roadshow=roadshow)
    }
    assert rows == {
        "guidance_sub_fund": (0, 0, 0),
        "market_fund": (1, 1, 0),
        "commercial_bank": (1, 2, 1),
        "enterprise": (0, 0, 0),
        "technology_exchange": (0, 0, 0),
    }
