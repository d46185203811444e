from django.db import models
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoadshowKind(models.TextChoices):
    FIELD = "field", _("领域路演")
    REGION = "region", _("区域路演")


class Level(models.TextChoices):
    """National programme roadshows, or local ones the programme drives
    (R9 counts achievements promoted in both)."""

    NATIONAL = "national", _("国家科技计划成果路演")
    LOCAL = "local", _("地方路演")


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("省级科技管理部门")
    HI_TECH_ZONE = "hi_tech_zone", _("国家高新区")
    AGRI_ZONE = "agri_zone", _("农业高新技术产业示范区")


class Format(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE = "offline", _("线下")
    HYBRID = "hybrid", _("线上线下结合")


class RoadshowStatus(models.TextChoices):
    DRAFT = "draft", _("草案")
    SCHEDULED = "scheduled", _("已排期")
    PUBLISHED = "published", _("已发布")
    LIVE = "live", _("进行中")
    CLOSED = "closed", _("已结束")
    ARCHIVED = "archived", _("已归档")
    CANCELLED = "cancelled", _("已取消")

    # The groups of states that mean something, defined here once and imported
    # wherever they are needed (as pretalx's SubmissionStates.accepted_states).

    @classproperty
    def held_states(cls) -> frozenset["RoadshowStatus"]:
        """Taken place or taking place: what every "held" figure counts (the
        home page, the planner, the dashboard).  A live roadshow is being held,
        so it counts at once, not only from when an organizer closes it."""
        return frozenset({cls.LIVE, cls.CLOSED, cls.ARCHIVED})

    @classproperty
    def planned_states(cls) -> frozenset["RoadshowStatus"]:
        """Not held yet and not called off."""
        return frozenset({cls.DRAFT, cls.SCHEDULED, cls.PUBLISHED})

    @classproperty
    def public_states(cls) -> frozenset["RoadshowStatus"]:
        """States in which a roadshow that was once published stays on show
        (a cancelled one too, marked cancelled)."""
        return frozenset(
            {cls.PUBLISHED, cls.LIVE, cls.CLOSED, cls.ARCHIVED, cls.CANCELLED}
        )

    @classproperty
    def open_states(cls) -> frozenset["RoadshowStatus"]:
        """States in which people may register (within the window)."""
        return frozenset({cls.PUBLISHED, cls.LIVE})

    @classproperty
    def ended_states(cls) -> frozenset["RoadshowStatus"]:
        """Over or called off: the record is no longer edited, no door opens."""
        return frozenset({cls.CLOSED, cls.ARCHIVED, cls.CANCELLED})


class PublicStatus(models.TextChoices):
    """What the public is told a roadshow is now, in its words (never the
    workflow's "已发布"); decided in one place, events.selectors.
    roadshow_public_status, for every badge the public sees."""

    REGISTERING = "registering", pgettext_lazy("public status", "报名中")
    UPCOMING = "upcoming", pgettext_lazy("public status", "即将开始")
    LIVE = "live", pgettext_lazy("public status", "直播中")
    ENDED = "ended", pgettext_lazy("public status", "已结束")
    CANCELLED = "cancelled", pgettext_lazy("public status", "已取消")


class SlotKind(models.TextChoices):
    PITCH = "pitch", _("项目路演")
    QA = "qa", _("问答")
    BREAK = "break", _("茶歇")


class Attendance(models.TextChoices):
    ONSITE = "onsite", _("现场参加")
    ONLINE = "online", _("线上参加")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已确认")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class ScanResult(models.TextChoices):
    OK = "ok", _("签到成功")
    ALREADY = "already_checked_in", _("已签到")
    CANCELLED = "cancelled", _("报名已取消")
    WAITLISTED = "waitlisted", _("候补中，无现场名额")
    ONLINE = "online_only", _("线上报名，无现场名额")
    OTHER_ROADSHOW = "other_roadshow", _("不是本场路演的门票")
    UNKNOWN = "not_a_ticket", _("不是有效门票")
    # The scanner sent a scan id it had used for another ticket: nothing is
    # checked in (a scan id names one scan, and its first answer stands).
    REUSED = "scan_id_reused", _("扫码编号已用于另一张门票，本次未签到，请重新扫码")


class MaterialReview(models.TextChoices):
    """Confidentiality review of pitch materials: every kind (deck, cover image,
    video links) is shown beyond the team, organizers and reviewers only once
    a reviewer has cleared it."""

    PENDING = "pending", _("材料审核中")
    CLEARED = "cleared", _("审核通过")
    REFUSED = "refused", _("未通过审核")
