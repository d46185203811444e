"""Live rooms: every question, vote, moderation action and chat message is a row,
and every change people see is also a ``RoomEvent`` with the room's next
sequence number — the log clients resume from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from achievements.models import Achievement
from events.models import Roadshow, Slot

from .enums import (
    DEFAULT_SCORE_CRITERIA,
    Audience,
    PollStatus,
    QuestionStatus,
    SanctionKind,
)


def default_score_criteria() -> list[str]:
    return list(DEFAULT_SCORE_CRITERIA)


class Room(models.Model):
    """The live room of one roadshow; its pitch slots are its sub-rooms."""

    roadshow = models.OneToOneField(
        Roadshow, on_delete=models.CASCADE, related_name="room", verbose_name=_("路演")
    )
    # The last sequence number given to an event of this room.
    seq = models.PositiveBigIntegerField(default=0, editable=False)
    # On by default: on a government programme's projector nothing appears
    # unread; moderators may open the room up.
    premoderation = models.BooleanField(_("提问先审后发"), default=True)
    # "Now presenting"; empty means: follow the programme's clock.
    current_slot = models.ForeignKey(
        Slot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("当前路演项目"),
    )
    # When the moderators' choice went on: its time runs from then.
    current_since = models.DateTimeField(null=True, blank=True, editable=False)
    pinned = models.ForeignKey(
        "Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("正在回答"),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_rooms",
        verbose_name=_("直播间主持人"),
    )
    publish_answered = models.BooleanField(
        _("在路演页面公开已回答的问题"), default=False
    )
    # Who scores the pitches besides approved investors.
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="judged_rooms",
        verbose_name=_("评委"),
    )
    score_criteria = models.JSONField(
        _("评分维度"), default=default_score_criteria, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("直播间")
        verbose_name_plural = _("直播间")

    def __str__(self) -> str:
        return str(self.roadshow)


class RoomEvent(models.Model):
    """One change in a room, in sequence; never edited."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=24)
    audience = models.CharField(
        max_length=8, choices=Audience.choices, default=Audience.ALL
    )
    # With audience "mod": the one other user who may see it (e.g. the asker).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(default=dict)
    # Merged into ``data`` for moderators only (e.g. an anonymous asker's name).
    private = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="room_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq} {self.kind}"


class Question(models.Model):
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("直播间"),
    )
    slot = models.ForeignKey(
        Slot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("路演项目"),
    )
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("成果"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("提问人"),
    )
    anonymous = models.BooleanField(_("对观众匿名"), default=False)
    text = models.TextField(_("问题"))
    # The asker's words when a moderator edited them before approving.
    original_text = models.TextField(_("原始问题"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=QuestionStatus.choices,
        default=QuestionStatus.APPROVED,
    )
    answered_at = models.DateTimeField(_("回答时间"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("点赞数"), default=0)
    # The sender's own id for this question: a retried send is stored once.
    client_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("提问时间"), auto_now_add=True)

    class Meta:
        ordering = ["room", "created_at", "id"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "author", "client_id"], name="question_client_id"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Vote(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="vote_set"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.question_id}"


class ChatMessage(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="chat")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500)
    client_id = models.CharField(max_length=64)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["room", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "author", "client_id"], name="chat_client_id"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Sanction(models.Model):
    """A user muted in, or removed from, one room (until lifted)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="sanctions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=SanctionKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["room", "user", "kind"], name="sanction_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.user_id}"


class PresenceSlice(models.Model):
    """How many connections one worker process holds in a room, refreshed often;
    the room's audience is the sum of the fresh slices."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    worker = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "worker"], name="presence_slice")
        ]

    def __str__(self) -> str:
        return f"{self.worker}: {self.count}"


class Poll(models.Model):
    """A question the moderators put to the room, with 2–6 options."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("投票问题"), max_length=200)
    multiple = models.BooleanField(_("多选"), default=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=PollStatus.choices, default=PollStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "created_at", "id"]
        verbose_name = _("投票")
        verbose_name_plural = _("投票")

    def __str__(self) -> str:
        return self.question[:40]


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("选项"), max_length=80)

    class Meta:
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "position"], name="poll_option_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    """One option a user chose.  A user's answer is all their rows of the
    poll: one row on a single-choice poll (``multiple`` copies the poll's)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    multiple = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user", "option"], name="poll_vote_option_once"
            ),
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=models.Q(multiple=False),
                name="poll_vote_single_choice_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"


class PitchScore(models.Model):
    """One scorer's mark for one pitch on one of the room's criteria."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    criterion = models.CharField(max_length=40)
    value = models.PositiveSmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot", "user", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user", "criterion"], name="pitch_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=1) & models.Q(value__lte=5),
                name="pitch_score_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id} {self.criterion}: {self.value}"
