"""Demo data for the meeting rooms: the demo's published meeting has a room
where the team has already greeted the investor — written through the
services people use."""

from accounts.models import User
from matchmaking.enums import MeetingStatus
from matchmaking.models import Meeting

from . import services
from .models import RoomMessage


def seed_meeting_room() -> Meeting | None:
    """Runs once per meeting: nothing happens when its room has messages."""
    meeting = (
        Meeting.objects.filter(published_at__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("request")
        .order_by("slot__start", "pk")
        .first()
    )
    if meeting is None:
        return None
    if RoomMessage.objects.filter(room__meeting=meeting).exists():
        return meeting
    team = meeting.request.attendees.first()
    investor = User.objects.filter(pk=meeting.request.requester_id).first()
    if team is None or investor is None:
        return None
    for user, cid, text in (
        (
            team,
            "demo-1",
            "您好！我们会带上中试报告和许可条款的初稿，也可以先在这里共享。",
        ),
        (investor, "demo-2", "好的，请先发中试数据，我们想提前看看。"),
    ):
        services.chat_send(user=user, meeting_id=meeting.pk, text=text, client_id=cid)
    return meeting
