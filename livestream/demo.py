"""Demo data for live rooms: one roadshow on air now, with a room in use
(questions, chat, a poll, a message to the team on stage) —
written through the same services people use, so it is what they would see."""

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
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
    (
        "enterprise",
        "芯片能否用于储能变流器的通信模组？是否接受独占许可？",
        False,
    ),
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


# What people asked in the held roadshows' rooms: {core} is the technology.
HELD_QUESTIONS = [
    "{core}的中试数据能否介绍一下？量产还需要多少投入？",
    "{core}是否接受独占许可？许可费怎么计算？",
    "团队是否考虑以{core}作价入股成立公司？",
    "{core}与进口产品相比，成本优势有多大？",
]
HELD_CHAT = ["声音和画面都很清楚。", "这个项目的资料在哪里下载？", "期待会后对接。"]


def seed_held_rooms() -> int:
    """The rooms of this year's held roadshows as they were used: people
    asked about each pitch, moderators let the questions through, the teams
    answered them, people chatted — written through the services while the
    roadshow is briefly live again, then dated into its hours.  The
    answered questions are published on the roadshow's page.  Runs once per
    roadshow (a room with questions is left alone)."""
    from events.enums import RoadshowStatus

    organizer = User.objects.filter(username="organizer").first()
    if organizer is None:
        return 0
    held = Roadshow.objects.filter(status=RoadshowStatus.CLOSED).order_by("start")
    done = 0
    for roadshow in held:
        people = [
            r.user
            for r in roadshow.registrations.select_related("user").order_by("pk")
            if r.user.is_active
        ]
        room = services.room_of(roadshow)
        if not people or room.questions.exists():
            continue
        with transaction.atomic():
            Roadshow.objects.filter(pk=roadshow.pk).update(status=RoadshowStatus.LIVE)
            try:
                _held_room(roadshow, room, people, organizer)
            finally:
                Roadshow.objects.filter(pk=roadshow.pk).update(
                    status=RoadshowStatus.CLOSED
                )
        done += 1
    return done


def _held_room(roadshow, room, people, organizer) -> None:
    from achievements.demo_topics import FIELDS

    cores = {t.core for spec in FIELDS.values() for t in spec.technologies}
    pitches = list(
        roadshow.slots.filter(kind=SlotKind.PITCH, achievement__isnull=False)
        .select_related("achievement")
        .order_by("position")
    )
    # The demo's own activity is not held to one person's rate limits.
    with override_settings(LIVE_RATE_LIMITS=DEMO_LIMITS):
        services.room_update(user=organizer, room_id=room.pk, publish_answered=True)
        asked = []
        for n, slot in enumerate(pitches):
            core = next(
                (c for c in cores if c in slot.achievement.title),
                slot.achievement.title,
            )
            for k in range(2):
                author = people[(2 * n + k) % len(people)]
                text = HELD_QUESTIONS[(n + k) % len(HELD_QUESTIONS)].format(core=core)
                question = services.ask(
                    user=author,
                    room_id=room.pk,
                    text=text,
                    client_id=f"demo-held-{slot.pk}-{k}",
                    slot_id=slot.pk,
                )
                services.question_approve(
                    user=organizer, room_id=room.pk, question_id=question.pk
                )
                asked.append((slot, question))
        for n, (_slot, question) in enumerate(asked[::2]):
            for voter in people[-(1 + (n * 3) % 5) :]:
                if voter.pk != question.author_id:
                    services.vote(
                        user=voter, room_id=room.pk, question_id=question.pk, on=True
                    )
            services.question_mark_answered(
                user=organizer, room_id=room.pk, question_id=question.pk
            )
        for n, text in enumerate(HELD_CHAT):
            services.chat_send(
                user=people[n % len(people)],
                room_id=room.pk,
                text=text,
                client_id=f"demo-held-chat-{n}",
            )
    _date_into(roadshow, room)


DEMO_LIMITS = dict.fromkeys(("ask", "vote", "chat", "moderate"), (10_000, 1))


def _date_into(roadshow, room) -> None:
    """Spread the room's log, questions and chat over the roadshow's hours
    (the one place the demo rewrites a room's timestamps)."""
    from .models import ChatMessage, Question, RoomEvent

    span = roadshow.end - roadshow.start
    events = list(RoomEvent.objects.filter(room=room).order_by("seq"))
    for n, event in enumerate(events):
        RoomEvent.objects.filter(pk=event.pk).update(
            created_at=roadshow.start + span * (n + 1) / (len(events) + 1)
        )
    when = roadshow.start + span / 2
    for question in Question.objects.filter(room=room).order_by("pk"):
        asked = roadshow.start + span * (question.pk % 7 + 1) / 10
        Question.objects.filter(pk=question.pk).update(
            created_at=asked,
            answered_at=(
                asked + dt.timedelta(minutes=8) if question.answered_at else None
            ),
        )
    ChatMessage.objects.filter(room=room).update(created_at=when)
