"""Matchmaking 供需对接 (R7): sessions with slots and places, meeting requests
both ways, the meetings the scheduler places, and what came of them.

The rules live in ``services`` (writes) and ``selectors`` (reads); the models
carry integrity: no person in two meetings in one slot
(``meeting_seat_one_per_person_slot``), no place over its capacity
(``meeting_one_per_place_seat``), one open request per pair and session."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from achievements.models import Achievement, Demand
from events.models import Roadshow

from .enums import (
    AcceptPriority,
    DeclineReason,
    DemandResponseStatus,
    Direction,
    EventKind,
    MeetingStatus,
    Outcome,
    PlaceKind,
    Priority,
    RequestStatus,
    Side,
)

USER = settings.AUTH_USER_MODEL


class MatchSession(TimeStamped):
    """A roadshow's matchmaking session: its slots, its tables and online
    rooms, the request window, expiry and quotas."""

    roadshow = models.OneToOneField(
        Roadshow,
        on_delete=models.CASCADE,
        related_name="match_session",
        verbose_name=_("路演"),
    )
    starts_at = models.DateTimeField(_("对接开始"))
    ends_at = models.DateTimeField(_("对接结束"))
    slot_minutes = models.PositiveSmallIntegerField(_("每场时长（分钟）"), default=20)
    gap_minutes = models.PositiveSmallIntegerField(_("场间休息（分钟）"), default=5)
    pause_start = models.DateTimeField(_("午休开始"), null=True, blank=True)
    pause_end = models.DateTimeField(_("午休结束"), null=True, blank=True)
    requests_open = models.DateTimeField(_("预约开始"), null=True, blank=True)
    requests_close = models.DateTimeField(_("预约截止"), null=True, blank=True)
    expiry_hours = models.PositiveSmallIntegerField(_("请求有效期（小时）"), default=72)
    investor_quota = models.PositiveSmallIntegerField(
        _("投资方/需求方每家机构最多待处理请求数"), default=20
    )
    team_quota = models.PositiveSmallIntegerField(
        _("成果团队每家机构最多待处理请求数"), default=20
    )
    pitch_buffer_minutes = models.PositiveSmallIntegerField(
        _("路演前后预留（分钟）"), default=15
    )
    # A scheduling run claims the session (a second one is refused) and
    # releases it when done; a claim older than a few minutes is stale.
    scheduling_since = models.DateTimeField(null=True, blank=True, editable=False)
    schedule_published_at = models.DateTimeField(
        _("日程发布时间"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("对接会")
        verbose_name_plural = _("对接会")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")),
                name="match_session_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5), name="match_session_slot_min_length"
            ),
            models.CheckConstraint(
                condition=Q(expiry_hours__gte=1), name="match_session_expiry_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.roadshow)


class MatchSlot(models.Model):
    session = models.ForeignKey(
        MatchSession, on_delete=models.CASCADE, related_name="slots"
    )
    index = models.PositiveSmallIntegerField(_("序号"))
    start = models.DateTimeField(_("开始"))
    end = models.DateTimeField(_("结束"))

    class Meta:
        ordering = ["session", "index"]
        verbose_name = _("对接时段")
        verbose_name_plural = _("对接时段")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "index"], name="match_slot_index_unique"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="match_slot_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        from django.utils import timezone

        start = timezone.localtime(self.start)
        end = timezone.localtime(self.end)
        return f"{start:%m-%d %H:%M}–{end:%H:%M}"


class Place(models.Model):
    """A table on site or an online room; ``capacity`` meetings at once."""

    session = models.ForeignKey(
        MatchSession, on_delete=models.CASCADE, related_name="places"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=PlaceKind.choices)
    name = models.CharField(_("名称"), max_length=40)
    capacity = models.PositiveSmallIntegerField(_("同时可进行的会面数"), default=1)
    # An online room's standing video call: every meeting held here starts
    # with it (a room holding one meeting at a time only).
    video_url = models.CharField(_("视频会议链接"), max_length=500, blank=True)

    class Meta:
        ordering = ["session", "kind", "id"]
        verbose_name = _("洽谈桌/洽谈室")
        verbose_name_plural = _("洽谈桌/洽谈室")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name"], name="match_place_name_unique"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=20),
                name="match_place_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BlockedSlot(models.Model):
    """A slot a participant cannot attend."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(MatchSlot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slot"], name="match_blocked_slot_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✗ {self.slot_id}"


class MeetingRequest(TimeStamped):
    """A request for a one-to-one meeting about an achievement between its
    team and a demand-side organization, made by either side."""

    session = models.ForeignKey(
        MatchSession, on_delete=models.CASCADE, related_name="requests"
    )
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        related_name="meeting_requests",
        verbose_name=_("成果"),
    )
    team_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("成果方"),
    )
    investor_org = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("投资方/需求方"),
    )
    direction = models.CharField(_("发起方"), max_length=12, choices=Direction.choices)
    requester = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    message = models.TextField(_("留言"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("优先级"), choices=Priority.choices, default=Priority.WOULD_LIKE
    )
    place_kind = models.CharField(
        _("会面方式"), max_length=8, choices=PlaceKind.choices, default=PlaceKind.ONSITE
    )
    preferred_slots = models.ManyToManyField(
        MatchSlot, blank=True, related_name="+", verbose_name=_("希望的时段")
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
        db_index=True,
    )
    expires_at = models.DateTimeField(_("回复截止"))
    responded_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    accept_priority = models.PositiveSmallIntegerField(
        _("对方意愿"), choices=AcceptPriority.choices, default=AcceptPriority.AGREE
    )
    # Who of the answering side attends (the requester attends for its side).
    attendees = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("出席人")
    )
    decline_reason = models.CharField(
        _("婉拒原因"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("补充说明"), max_length=300, blank=True)
    # Why the scheduler could not place it (Unplaced), cleared when placed.
    unplaced_reason = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("约见请求")
        verbose_name_plural = _("约见请求")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "achievement", "investor_org"],
                condition=Q(status__in=["pending", "accepted"]),
                name="match_request_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(team_org=F("investor_org")),
                name="match_request_not_to_oneself",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="match_request_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investor_org} ↔ {self.achievement}"

    @property
    def weight(self) -> int:
        return int(self.priority) + int(self.accept_priority)

    @property
    def requester_org(self) -> Organization:
        return (
            self.investor_org if self.direction == Direction.TO_TEAM else self.team_org
        )

    @property
    def responder_org(self) -> Organization:
        return (
            self.team_org if self.direction == Direction.TO_TEAM else self.investor_org
        )


class RequestEvent(models.Model):
    """What happened to a request, by whom (organizers acting for someone
    are recorded as such). Never edited."""

    request = models.ForeignKey(
        MeetingRequest, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.kind}"


class Meeting(TimeStamped):
    """An accepted request placed in a slot at a table or online room."""

    request = models.OneToOneField(
        MeetingRequest, on_delete=models.CASCADE, related_name="meeting"
    )
    session = models.ForeignKey(
        MatchSession, on_delete=models.CASCADE, related_name="meetings"
    )
    slot = models.ForeignKey(
        MatchSlot, on_delete=models.PROTECT, related_name="meetings"
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="meetings")
    seat = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=MeetingStatus.choices,
        default=MeetingStatus.SCHEDULED,
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    marked_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__start", "place_id"]
        verbose_name = _("会面")
        verbose_name_plural = _("会面")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "slot", "seat"],
                condition=~Q(status="cancelled"),
                name="meeting_one_per_place_seat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} @ {self.slot} {self.place}"


class MeetingSeat(models.Model):
    """A person's time in a meeting: one row per attendee, in the meeting's
    slot. The unique pair (user, slot) is what makes a double booking of a
    person impossible, whichever path writes it; rows go with a cancellation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(MatchSlot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "slot"], name="meeting_seat_one_per_person_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.slot_id}"


class MeetingOutcome(models.Model):
    """What one side says came of a meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="outcomes"
    )
    side = models.CharField(max_length=12, choices=Side.choices)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices)
    reason = models.CharField(
        _("原因"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "side"], name="meeting_outcome_one_per_side"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="pass") | ~Q(reason=""),
                name="meeting_outcome_pass_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.side}: {self.outcome}"


class DismissedRecommendation(models.Model):
    """ "不感兴趣": an achievement a user does not want recommended again."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "achievement"], name="match_dismissed_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ✗ {self.achievement_id}"


class RecommendationSent(models.Model):
    """An achievement already sent to a user in a digest (the next digest
    holds only new fits)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="+"
    )
    week = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "achievement"], name="match_recommendation_sent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.achievement_id}"


class DigestSent(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(max_length=8)
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "week"], name="match_digest_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"


class DemandResponse(TimeStamped):
    """ "我们可以对接": a team answers a published demand with one of its own
    published achievements (seeds/004 三.1).  It stands on its own — the
    demand side sees it on the demand's page and in its workspace whether or
    not a roadshow's matchmaking is open — and records the meeting request
    opened from it, if any.  Once per demand and achievement."""

    demand = models.ForeignKey(
        Demand,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("技术需求"),
    )
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.CASCADE,
        related_name="demand_responses",
        verbose_name=_("成果"),
    )
    team_org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+"
    )
    responder = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("说明"), blank=True)
    # The fit (0–100) when the team answered, as the demand side was shown it.
    score = models.PositiveSmallIntegerField(_("匹配度"), default=0)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=DemandResponseStatus.choices,
        default=DemandResponseStatus.OPEN,
    )
    meeting_request = models.ForeignKey(
        "MeetingRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("需求响应")
        verbose_name_plural = _("需求响应")
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "achievement"],
                name="demand_response_once_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100), name="demand_response_score_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id} → {self.demand_id}"
