"""A meeting's private room: its event log (chat, documents, the video link,
in sequence, as the live room's), who is in it, and each person's notes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from matchmaking.models import Meeting

USER = settings.AUTH_USER_MODEL


class MeetingRoom(models.Model):
    """Made when someone first enters; one per meeting."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="room", verbose_name=_("会面")
    )
    # The last sequence number given to an event of this room.
    seq = models.PositiveBigIntegerField(default=0, editable=False)
    # A link pasted by either side; empty: the place's standing link.
    video_url = models.CharField(_("视频会议链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("洽谈会议室")
        verbose_name_plural = _("洽谈会议室")

    def __str__(self) -> str:
        return str(self.meeting)


class RoomEvent(models.Model):
    """One change in a room, in sequence; never edited.  Everyone in the
    room sees every event (private notes are not events)."""

    room = models.ForeignKey(MeetingRoom, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=24)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="meet_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.kind}"


class RoomMessage(models.Model):
    room = models.ForeignKey(
        MeetingRoom, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=1000)
    # The side the author spoke for when writing it ("team", "investor",
    # "organizer"): it stays theirs if they are later no longer named.
    side = models.CharField(max_length=12)
    # The sender's own id for the message: a retried send is stored once.
    client_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["room", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "author", "client_id"], name="meet_message_client_id"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


def _document_path(instance: "RoomDocument", filename: str) -> str:
    return f"meetings/{instance.room.meeting_id}/{filename}"


class RoomDocument(models.Model):
    """A file shared into the room, checked by its content and served to the
    meeting's parties and organizers only."""

    room = models.ForeignKey(
        MeetingRoom, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField(max_length=12)  # the sharer's, as with messages
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    # Withdrawn by whoever shared it: no longer listed or served.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class RoomNote(models.Model):
    """One person's private notes on a meeting: nobody else reads them."""

    room = models.ForeignKey(MeetingRoom, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="meet_note_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.room_id}"


class RoomVisit(models.Model):
    """One connection to a room: who, when it opened, when it was last heard
    from and when it closed.  Who is in now: open and heard from lately (a
    worker that died leaves rows that simply go stale)."""

    room = models.ForeignKey(
        MeetingRoom, on_delete=models.CASCADE, related_name="visits"
    )
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    # "team", "investor", or "organizer" (dropped in).
    side = models.CharField(max_length=12)
    channel = models.CharField(max_length=120)
    entered_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["room", "left_at"], name="meet_visit_open")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id}"
