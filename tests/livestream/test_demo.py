import pytest

from achievements.demo import seed_demo
from livestream.demo import TITLE, seed_live_room
from livestream.models import ChatMessage, Poll, PollVote, Question, RoomEvent

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_roadshow_live_now_with_its_room_in_use(
    django_capture_on_commit_callbacks,
):
    seed_demo(achievements=40)
    with django_capture_on_commit_callbacks(execute=True):
        roadshow = seed_live_room()
    assert roadshow.title == TITLE and roadshow.status == "live"
    room = roadshow.room
    room.refresh_from_db()
    assert Question.objects.filter(room=room).count() == 3
    assert room.premoderation  # the default: one question waits for a moderator
    assert list(
        Question.objects.filter(room=room)
        .order_by("pk")
        .values_list("status", flat=True)
    ) == ["approved", "approved", "pending"]
    assert room.pinned is not None and room.pinned.votes == 2
    assert ChatMessage.objects.filter(room=room).count() == 2
    assert Poll.objects.get(room=room).status == "open"
    assert PollVote.objects.filter(poll__room=room).count() == 2
    assert RoomEvent.objects.filter(room=room, kind="presenter_note").count() == 1
    assert seed_live_room() is None  # runs once
