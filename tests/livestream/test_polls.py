"""Polls (issue #15): moderators open and close them, signed-in viewers
answer once (changeable until closed), results reach everyone; bad answers
get an error frame and change nothing."""

import pytest
from django.db import IntegrityError, transaction

from livestream import services
from livestream.errors import LiveError
from livestream.models import Poll, PollVote, RoomEvent
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _counts(event) -> dict:
    return {int(k): v for k, v in event["data"]["counts"].items()}


def test_a_poll_opened_answered_changed_and_closed_reaches_everyone(live):
    pk = live["roadshow"].pk

    async def scenario():
        moderator = Client(pk, live["organizer"])
        voter = Client(pk, live["investor"])
        other = Client(pk, live["enterprise"])
        watcher = Client(pk)
        for client in (moderator, voter, other, watcher):
            await client.connect()
        await moderator.send(
            t="poll_open",
            ref="p",
            question="您最关心 哪方面？",
            options=["技术", " 市场 ", "团队"],
        )
        poll_id = (await moderator.reply("p"))["id"]
        opened = await watcher.event("poll", id=poll_id)
        assert opened["data"]["question"] == "您最关心 哪方面？"
        assert [o["text"] for o in opened["data"]["options"]] == [
            "技术",
            "市场",
            "团队",
        ]
        assert (opened["data"]["multiple"], opened["data"]["status"]) == (False, "open")
        tech, market, team = (o["id"] for o in opened["data"]["options"])

        await voter.send(t="poll_answer", ref="a1", id=poll_id, options=[tech])
        assert (await voter.reply("a1"))["options"] == [tech]
        seen = await watcher.event("poll_votes", id=poll_id)
        assert (_counts(seen), seen["data"]["voters"]) == ({tech: 1}, 1)

        await other.send(t="poll_answer", ref="a2", id=poll_id, options=[market])
        await other.reply("a2")
        await voter.send(t="poll_answer", ref="a3", id=poll_id, options=[market])
        await voter.reply("a3")  # changed their mind
        seen = await watcher.event("poll_votes", id=poll_id, voters=2)
        while _counts(seen) != {market: 2}:
            seen = await watcher.event("poll_votes", id=poll_id)

        await moderator.send(t="poll_close", ref="c", id=poll_id)
        await moderator.reply("c")
        closed = await watcher.event("poll", id=poll_id, status="closed")
        assert [o["votes"] for o in closed["data"]["options"]] == [0, 2, 0]
        await voter.send(t="poll_answer", ref="late", id=poll_id, options=[team])
        assert (await voter.reply("late"))["code"] == "closed"

        # A fresh snapshot: the poll with its results, and one's own answer.
        again = Client(pk, live["investor"])
        snap = await again.connect()
        assert [p["id"] for p in snap["polls"]] == [poll_id]
        assert snap["polls"][0]["voters"] == 2
        assert snap["poll_answers"] == {str(poll_id): [market]}
        for client in (moderator, voter, other, watcher, again):
            await client.close()
        return poll_id, market

    poll_id, market = run(scenario)
    assert list(
        PollVote.objects.filter(poll_id=poll_id).values_list("option_id", flat=True)
    ) == [market, market]


def test_a_multiple_choice_poll_takes_several_options_once_each(live):
    room = live["room"]
    poll = services.poll_open(
        user=live["organizer"],
        room_id=room.pk,
        question="贵机构关注哪些领域？",
        options=["新材料", "生物医药", "新能源"],
        multiple=True,
    )
    first, second, third = poll.options.values_list("pk", flat=True)
    services.poll_answer(
        user=live["investor"], room_id=room.pk, poll_id=poll.pk, options=[first, third]
    )
    services.poll_answer(
        user=live["investor"], room_id=room.pk, poll_id=poll.pk, options=[second]
    )
    assert list(PollVote.objects.values_list("option_id", flat=True)) == [second]
    with pytest.raises(LiveError) as twice:
        services.poll_answer(
            user=live["investor"],
            room_id=room.pk,
            poll_id=poll.pk,
            options=[first, first],
        )
    assert twice.value.code == "invalid"


def test_bad_poll_frames_get_errors_and_change_nothing(live):
    pk = live["roadshow"].pk
    room = live["room"]
    single = services.poll_open(
        user=live["organizer"],
        room_id=room.pk,
        question="是否需要中试？",
        options=["需要", "不需要"],
        multiple=False,
    )
    other = services.poll_open(
        user=live["organizer"],
        room_id=room.pk,
        question="另一个投票",
        options=["甲", "乙"],
        multiple=False,
    )
    yes, no = single.options.values_list("pk", flat=True)
    foreign = other.options.values_list("pk", flat=True)[0]
    logged = RoomEvent.objects.count()

    async def scenario():
        moderator = Client(pk, live["organizer"])
        voter = Client(pk, live["investor"])
        anonymous = Client(pk)
        for client in (moderator, voter, anonymous):
            await client.connect()
        for ref, frame, code in (
            ("both", {"id": single.pk, "options": [yes, no]}, "invalid"),
            ("foreign", {"id": single.pk, "options": [foreign]}, "invalid"),
            ("none", {"id": single.pk, "options": []}, "invalid"),
            ("missing", {"id": 999999, "options": [yes]}, "not_found"),
            ("text", {"id": single.pk, "options": ["需要"]}, "bad_frame"),
            ("many", {"id": single.pk, "options": [yes] * 17}, "bad_frame"),
        ):
            await voter.send(t="poll_answer", ref=ref, **frame)
            assert (await voter.reply(ref))["code"] == code, ref
        await anonymous.send(t="poll_answer", ref="anon", id=single.pk, options=[yes])
        assert (await anonymous.reply("anon"))["code"] == "login_required"
        for ref, options in (
            ("one", ["只有一个"]),
            ("seven", [str(n) for n in range(7)]),
            ("same", ["一样", "一样"]),
            ("blank", ["  ", "有"]),
        ):
            await moderator.send(
                t="poll_open", ref=ref, question="问题", options=options
            )
            assert (await moderator.reply(ref))["code"] == "invalid", ref
        await moderator.send(t="poll_open", ref="q", question=" ", options=["a", "b"])
        assert (await moderator.reply("q"))["code"] == "invalid"
        await voter.send(t="poll_open", ref="v", question="我来", options=["a", "b"])
        assert (await voter.reply("v"))["code"] == "forbidden"
        await voter.send(t="poll_close", ref="vc", id=single.pk)
        assert (await voter.reply("vc"))["code"] == "forbidden"
        for client in (moderator, voter, anonymous):
            await client.close()

    run(scenario)
    assert Poll.objects.count() == 2
    assert not PollVote.objects.exists()
    assert RoomEvent.objects.count() == logged
    assert set(Poll.objects.values_list("status", flat=True)) == {"open"}


def test_the_database_holds_one_answer_on_a_single_choice_poll(live):
    room = live["room"]
    poll = services.poll_open(
        user=live["organizer"],
        room_id=room.pk,
        question="单选",
        options=["甲", "乙"],
        multiple=False,
    )
    first, second = poll.options.all()
    PollVote.objects.create(poll=poll, option=first, user=live["investor"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PollVote.objects.create(poll=poll, option=second, user=live["investor"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PollVote.objects.create(
            poll=poll, option=first, user=live["investor"], multiple=True
        )
