"""Demo data for live rooms: one roadshow on air now, with a room in use
(questions, chat, a poll, a message to the team on stage) —
written through the same services people use, so it is what they would see."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.enums import OrganizationKind
from accounts.models import Organization, User
from achievements.enums import Publication
from achievements.models import Achievement, IndustryField
from events.enums import Format, RoadshowKind, SlotKind
from events.models import Roadshow
from events.services import roadshow_transition, slot_add

from . import services

TITLE = "直播示范场：新一代信息技术成果路演"
QUESTIONS = [
    ("investor", "芯片的流片良率目前是多少？量产还需要多少投入？", False),
    ("enterprise", "是否接受独占许可？我们在长三角有现成产线。", False),
    ("investor", "团队对作价入股的估值预期是多少？", True),
]
CHAT = [
    ("enterprise", "各位好，华东新能源周总工在线。"),
    ("investor", "声音清楚，期待第一个项目。"),
]


@transaction.atomic
def seed_live_room() -> Roadshow | None:
    """A roadshow that started half an hour ago, live, with questions, votes,
    a pinned question and chat.  Runs once."""
    if Roadshow.objects.filter(title=TITLE).exists():
        return None
    field = IndustryField.objects.filter(code="new-it").first()
    host = Organization.objects.filter(kind=OrganizationKind.TORCH_CENTRE).first()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["investor", "enterprise", "organizer"]
        )
    }
    pitches = list(
        Achievement.objects.filter(
            field=field, publication=Publication.PUBLIC
        ).order_by("pk")[:3]
    )
    if field is None or host is None or len(users) < 3 or not pitches:
        return None
    now = timezone.now()
    roadshow = Roadshow.objects.create(
        kind=RoadshowKind.FIELD,
        field=field,
        title=TITLE,
        summary="演示直播间：提问、点赞、主持审核、聊天与大屏显示。",
        start=now - dt.timedelta(minutes=30),
        end=now + dt.timedelta(hours=3),
        format=Format.HYBRID,
        venue="国家科技成果转化服务中心",
        address="北京市海淀区中关村南大街",
        lead_host=host,
        capacity=200,
    )
    slot_add(
        roadshow=roadshow, kind=SlotKind.BREAK, duration_minutes=10, title="开场致辞"
    )
    for achievement in pitches:
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=40,
            achievement=achievement,
            team=achievement.owner,
            presenters=achievement.team,
        )
    roadshow = roadshow_transition(roadshow=roadshow, action="publish", by=None)
    roadshow = roadshow_transition(roadshow=roadshow, action="go_live", by=None)
    room = services.room_of(roadshow)
    questions = []
    for n, (username, text, anonymous) in enumerate(QUESTIONS):
        questions.append(
            services.ask(
                user=users[username],
                room_id=room.pk,
                text=text,
                client_id=f"demo-{n}",
                anonymous=anonymous,
            )
        )
    # The room is pre-moderated (the default): the organizer lets the first
    # two through; the third waits in the moderators' queue.
    for question in questions[:2]:
        services.question_approve(
            user=users["organizer"], room_id=room.pk, question_id=question.pk
        )
    services.vote(
        user=users["enterprise"], room_id=room.pk, question_id=questions[0].pk, on=True
    )
    services.vote(
        user=users["organizer"], room_id=room.pk, question_id=questions[0].pk, on=True
    )
    services.vote(
        user=users["investor"], room_id=room.pk, question_id=questions[1].pk, on=True
    )
    services.question_pin(
        user=users["organizer"], room_id=room.pk, question_id=questions[0].pk
    )
    for n, (username, text) in enumerate(CHAT):
        services.chat_send(
            user=users[username], room_id=room.pk, text=text, client_id=f"demo-chat-{n}"
        )
    poll = services.poll_open(
        user=users["organizer"],
        room_id=room.pk,
        question="贵机构对哪种合作方式最感兴趣？",
        options=["技术转让", "独占许可", "作价入股", "合作开发"],
        multiple=False,
    )
    options = list(poll.options.values_list("pk", flat=True))
    for username, option in (("investor", options[2]), ("enterprise", options[1])):
        services.poll_answer(
            user=users[username], room_id=room.pk, poll_id=poll.pk, options=[option]
        )
    services.presenter_note(
        user=users["organizer"], room_id=room.pk, text="请先回答置顶的问题"
    )
    return roadshow
