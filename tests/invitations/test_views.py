import pytest
from django.core import mail
from django.test import Client

from achievements.enums import Publication
from events.enums import SlotKind
from events.services import slot_add
from invitations.enums import InvitationStatus
from invitations.models import Invitation, InvitationList
from invitations.tokens import invitation_token
from tests.factories import make_achievement
from tests.factories.invitations import invite, make_bank, make_published_roadshow
from tests.matchmaking.helpers import make_profile

PEOPLE = (("李行长", "li@bank.example"), ("赵经理", "zhao@bank.example"))


@pytest.fixture
def sent(roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"])
    bank = make_bank()
    invitation, token = invite(
        roadshow=roadshow, organization=bank, by=users["organizer"], people=PEOPLE
    )
    return users, roadshow, invitation, token


def test_invitation_page_shows_the_invitation_and_its_answers(client, sent):
    _users, _roadshow, _invitation, token = sent
    page = client.get(f"/invitations/{token}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "诚邀成都银行参加本场路演" in body
    assert "李行长" in body and "zhao@bank.example" in body
    assert "接受并报名" in body and "谢绝邀请" in body and "转交" in body


def test_invitation_page_unknown_token_is_404(client, sent):
    _users, _roadshow, invitation, token = sent
    assert client.get(f"/invitations/{invitation.pk}-{'0' * 40}/").status_code == 404
    assert client.get("/invitations/nonsense/").status_code == 404


def test_accept_through_the_link_registers_and_the_link_is_then_used(
    client, sent, django_capture_on_commit_callbacks
):
    _users, roadshow, invitation, token = sent
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/invitations/{token}/accept/", {"attendance": "onsite"}, follow=True
        )
    body = response.content.decode()
    assert "已接受邀请，2 人已报名；门票已分别发到各自的邮箱。" in body
    assert roadshow.registrations.count() == 2
    again = client.post(f"/invitations/{token}/accept/", {"attendance": "onsite"})
    assert again.status_code == 409
    assert "接受，链接不能再次使用。" in again.content.decode()
    assert roadshow.registrations.count() == 2


def test_decline_through_the_link(client, sent):
    _users, _roadshow, invitation, token = sent
    response = client.post(f"/invitations/{token}/decline/", {"reason": "另有安排"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.reason) == (
        InvitationStatus.DECLINED,
        "另有安排",
    )


def test_delegate_through_the_link_and_a_loop_is_refused(
    client, sent, django_capture_on_commit_callbacks
):
    _users, _roadshow, invitation, token = sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/invitations/{token}/delegate/",
            {"name": "钱主管", "email": "qian@bank.example"},
        )
    assert response.status_code == 302
    successor = Invitation.objects.get(delegated_from=invitation)
    assert [m.to for m in mail.outbox] == [["qian@bank.example"]]
    back = client.post(
        f"/invitations/{invitation_token(successor)}/delegate/",
        {"name": "王联系", "email": "contact@bank.example"},
    )
    assert back.status_code == 400
    assert "转交不能成环" in back.content.decode()
    old = client.post(f"/invitations/{token}/decline/", {"reason": ""})
    assert old.status_code == 409
    assert "转交给 q***@bank.example" in old.content.decode()


def test_someone_else_signed_in_is_refused_and_sees_nothing_of_it(client, sent):
    users, roadshow, invitation, token = sent
    client.force_login(users["investor"])
    page = client.get(f"/invitations/{token}/")
    body = page.content.decode()
    assert "您当前登录的账号不是受邀人" in body
    assert "李行长" not in body and "接受并报名" not in body
    refused = client.post(f"/invitations/{token}/accept/", {"attendance": "onsite"})
    assert refused.status_code == 403
    assert roadshow.registrations.count() == 0


def test_programme_on_the_invitation_follows_the_visibility_rule(client, roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"], investors_only=True)
    shown = make_achievement(owner=orgs["owner"], state="public", title="公开成果甲")
    hidden = make_achievement(
        owner=orgs["owner"], state="restricted", title="限定公开成果乙"
    )
    assert hidden.publication == Publication.RESTRICTED
    for achievement in (shown, hidden):
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=20,
            achievement=achievement,
        )
    _invitation, token = invite(
        roadshow=roadshow,
        organization=make_bank(),
        by=users["organizer"],
        people=PEOPLE,
    )
    body = client.get(f"/invitations/{token}/").content.decode()
    assert "公开成果甲" in body and "限定公开成果乙" not in body


def test_admin_page_shows_replies_audience_and_registered_people(client, sent):
    users, roadshow, invitation, token = sent
    Client().post(f"/invitations/{token}/accept/", {"attendance": "onsite"})
    client.force_login(users["organizer"])
    page = client.get(f"/admin/roadshows/{roadshow.pk}/invitations/")
    body = page.content.decode()
    assert page.status_code == 200
    assert '<li data-status="accepted"><strong>1</strong> 已接受</li>' in body
    assert body.count("已报名</strong>") == 2
    assert (
        '<tr data-kind="commercial_bank"><td>商业银行</td><td>1</td><td>2</td>'
        "<td>0</td></tr>" in body
    )


def test_admin_page_is_for_organizers_only(client, sent):
    users, roadshow, _invitation, _token = sent
    client.force_login(users["investor"])
    response = client.get(f"/admin/roadshows/{roadshow.pk}/invitations/")
    assert response.status_code in (302, 403)
    assert "邀请与答复" not in response.content.decode()


def test_admin_invite_form_sends_one_invitation(client, roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"])
    bank = make_bank()
    client.force_login(users["organizer"])
    response = client.post(
        f"/admin/roadshows/{roadshow.pk}/invitations/invite/",
        {
            "organization": bank.pk,
            "people": "李行长 li@bank.example\n赵经理 zhao@bank.example",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.name, invitation.email) == ("李行长", "li@bank.example")
    twice = client.post(
        f"/admin/roadshows/{roadshow.pk}/invitations/invite/",
        {"organization": bank.pk, "email": "x@bank.example"},
    )
    assert twice.status_code == 400
    assert "“成都银行”已受邀参加本场路演（未答复），不能重复邀请。" in (
        twice.content.decode()
    )


def test_admin_invites_a_saved_list_skipping_the_invited_and_addressless(client, roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"])
    with_email = make_bank("成都银行", contact_email="cd@bank.example")
    without = make_bank("绵阳银行")
    invited = make_bank("乐山银行", contact_email="ls@bank.example")
    invite(roadshow=roadshow, organization=invited, by=users["organizer"])
    saved = InvitationList.objects.create(name="银行 · 四川")
    saved.organizations.set([with_email, without, invited])
    client.force_login(users["organizer"])
    response = client.post(
        f"/admin/roadshows/{roadshow.pk}/invitations/invite-list/",
        {"saved_list": saved.pk},
        follow=True,
    )
    body = response.content.decode()
    assert "已向 1 家机构发出邀请。" in body
    assert "已受邀，未重复邀请：乐山银行" in body
    assert "没有联系邮箱，请逐个邀请：绵阳银行" in body
    assert set(Invitation.objects.values_list("organization__name", "email")) == {
        ("成都银行", "cd@bank.example"),
        ("乐山银行", "contact@bank.example"),
    }


def test_admin_recommends_organizations_by_the_recommender(client, roles):
    users, orgs = roles
    roadshow = make_published_roadshow(lead_host=orgs["torch"])
    achievement = make_achievement(owner=orgs["owner"], state="public", title="成果丙")
    slot_add(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        duration_minutes=20,
        achievement=achievement,
    )
    bank = make_bank(contact_email="cd@bank.example")
    make_profile(
        org=bank,
        fields=("new-materials",),
        provinces=(),
        modes=(),
        trl=(1, 9),
        ticket=(None, None),
    )
    from invitations.selectors import recommended_organizations

    found = recommended_organizations(roadshow=roadshow)
    assert [(r.organization, r.achievements) for r in found] == [(bank, ["成果丙"])]
    client.force_login(users["organizer"])
    client.post(
        f"/admin/roadshows/{roadshow.pk}/invitations/invite-recommended/",
        {"organizations": [bank.pk]},
    )
    assert Invitation.objects.get().batch.source == "recommended"
    assert recommended_organizations(roadshow=roadshow) == []


def test_roadshow_edit_page_has_the_invitations_button(client, sent):
    users, roadshow, _invitation, _token = sent
    client.force_login(users["organizer"])
    body = client.get(f"/admin/roadshow/edit/{roadshow.pk}/").content.decode()
    assert f'href="/admin/roadshows/{roadshow.pk}/invitations/"' in body


def test_organizers_keep_saved_lists_in_the_admin(client, roles):
    users, _orgs = roles
    bank = make_bank()
    client.force_login(users["organizer"])
    assert client.get("/admin/invitation_list/").status_code == 200
    response = client.post(
        "/admin/invitation_list/new/",
        {"name": "银行 · 四川", "organizations": [bank.pk]},
    )
    assert response.status_code == 302
    saved = InvitationList.objects.get()
    assert (saved.name, list(saved.organizations.all())) == ("银行 · 四川", [bank])
    client.force_login(users["investor"])
    assert client.get("/admin/invitation_list/").status_code in (302, 403)
