"""How long a question or a chat message may be is written once
(livestream.limits): the services, the frame schema and the room page's
fields all read it there."""

import re

import pytest
from django.urls import reverse

from livestream import schema
from livestream.limits import CHAT_FRAME_MAX, CHAT_MAX, QUESTION_FRAME_MAX, QUESTION_MAX
from livestream.models import ChatMessage, Question
from tests.livestream.conftest import Client, run

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_frame_schema_bounds_texts_by_the_limits_module():
    assert schema.FRAMES["ask"]["text"] == f"str:{QUESTION_FRAME_MAX}"
    assert schema.FRAMES["moderate"]["text"] == f"str:{QUESTION_FRAME_MAX}"
    assert schema.FRAMES["chat"]["text"] == f"str:{CHAT_FRAME_MAX}"
    assert QUESTION_MAX < QUESTION_FRAME_MAX and CHAT_MAX < CHAT_FRAME_MAX


def test_texts_are_limited_once_their_whitespace_is_collapsed(live):
    full_question = "问" * (QUESTION_MAX - 2) + " \n\t 号"  # the limit, once collapsed
    full_chat = "聊" * (CHAT_MAX - 2) + "   天"
    # (ASCII past the frame limits: the test client escapes other characters,
    # six to one, which a browser does not.)

    async def scenario():
        asker = Client(live["roadshow"].pk, live["investor"])
        moderator = Client(live["roadshow"].pk, live["organizer"])
        await asker.connect()
        await moderator.connect()
        answers = {}
        frames = {
            "q-full": {"t": "ask", "cid": "1", "text": full_question},
            "q-over": {"t": "ask", "cid": "2", "text": "问" * (QUESTION_MAX + 1)},
            "q-frame": {
                "t": "ask",
                "cid": "3",
                "text": "x" * (QUESTION_FRAME_MAX + 1),
            },
            "c-full": {"t": "chat", "cid": "4", "text": full_chat},
            "c-over": {"t": "chat", "cid": "5", "text": "聊" * (CHAT_MAX + 1)},
            "c-frame": {"t": "chat", "cid": "6", "text": "x" * (CHAT_FRAME_MAX + 1)},
        }
        for ref, frame in frames.items():
            await asker.send(ref=ref, **frame)
            answers[ref] = await asker.reply(ref)
        question_id = answers["q-full"]["id"]
        await moderator.send(
            t="moderate",
            ref="edit",
            id=question_id,
            action="approve",
            text="改" * (QUESTION_MAX + 1),
        )
        answers["edit"] = await moderator.reply("edit")
        await asker.close()
        await moderator.close()
        return {
            ref: (a["t"], a.get("code"), a.get("message")) for ref, a in answers.items()
        }

    answers = run(scenario)
    assert answers == {
        "q-full": ("ack", None, None),
        "q-over": ("error", "invalid", f"问题最多 {QUESTION_MAX} 个字。"),
        "q-frame": ("error", "bad_frame", "字段 text 的值不正确。"),
        "c-full": ("ack", None, None),
        "c-over": ("error", "invalid", f"消息最多 {CHAT_MAX} 个字。"),
        "c-frame": ("error", "bad_frame", "字段 text 的值不正确。"),
        "edit": ("error", "invalid", f"问题不能为空，最多 {QUESTION_MAX} 个字。"),
    }
    assert [q.text for q in Question.objects.all()] == [
        "问" * (QUESTION_MAX - 2) + " 号"
    ]
    assert [m.text for m in ChatMessage.objects.all()] == [
        "聊" * (CHAT_MAX - 2) + " 天"
    ]


def test_the_room_page_fields_take_the_same_limits(client, live):
    url = reverse("livestream:room", args=[live["roadshow"].pk])
    body = client.get(url).content.decode()
    ask = re.search(
        r'<textarea id="ask-text" maxlength="(\d+)"[^>]*placeholder="([^"]*)"', body
    )
    chat = re.search(
        r'<input type="text" id="chat-text" maxlength="(\d+)"[^>]*placeholder="([^"]*)"',
        body,
    )
    assert ask.groups() == (
        str(QUESTION_MAX),
        f"向路演团队提问（最多 {QUESTION_MAX} 字）",
    )
    assert chat.groups() == (str(CHAT_MAX), f"说点什么（最多 {CHAT_MAX} 字）")
