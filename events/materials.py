"""Pitch materials (R4): decks, cover images and video links of pitch slots."""

from typing import Any
from urllib.parse import urlparse

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import actor_of
from accounts.selectors import team_emails
from mailing.services import email_send
from uploads import UploadRefused, check_pdf, clean_name, reencode_image

from .enums import MaterialReview, RoadshowStatus
from .models import MaterialKind, PitchMaterial, Roadshow, Slot

DECK_MAX_BYTES = 50 * 1024 * 1024
COVER_MAX_BYTES = 10 * 1024 * 1024
THUMBNAIL_SIZE = 480
MAX_VIDEO_LINKS = 5

__all__ = [
    "UploadRefused",
    "material_upload",
    "material_links_set",
    "material_review",
    "material_links_review",
]


class ReviewRefused(Exception):
    """A review decision that cannot be taken; the message is for the user."""


def _check_deadline(slot: Slot, by: Any) -> None:
    deadline = slot.roadshow.materials_deadline
    if deadline and timezone.now() > deadline and not permissions.is_organizer(by):
        raise UploadRefused(
            _("路演材料已于 %(time)s 截止提交，请联系组织方。")
            % {"time": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")}
        )


def material_upload(*, slot: Slot, kind: str, upload: Any, by: Any) -> PitchMaterial:
    """Check the file by its content and make it the slot's current one; the
    previous file of the same kind stays in the history."""
    _check_deadline(slot, by)
    name = clean_name(upload.name)
    limit = DECK_MAX_BYTES if kind == MaterialKind.DECK else COVER_MAX_BYTES
    if upload.size > limit:
        raise UploadRefused(
            _("文件过大：最大 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(
            _("文件过大：最大 %(mb)d MB。") % {"mb": limit // (1024 * 1024)}
        )
    thumbnail = None
    if kind == MaterialKind.DECK:
        check_pdf(data)
        content_type, ext = "application/pdf", "pdf"
    elif kind == MaterialKind.COVER:
        source = data
        data, content_type, ext = reencode_image(source)
        thumb, _t, _e = reencode_image(source, fit=THUMBNAIL_SIZE)
        thumbnail = ContentFile(thumb, name=f"thumb.{ext}")
    else:
        raise UploadRefused(_("未知的材料类型。"))
    stored_name = f"{kind}.{ext}"
    with transaction.atomic():
        Slot.objects.select_for_update().get(pk=slot.pk)
        PitchMaterial.objects.filter(
            slot=slot, kind=kind, superseded_at__isnull=True
        ).update(superseded_at=timezone.now())
        material = PitchMaterial(
            slot=slot,
            kind=kind,
            original_name=name,
            content_type=content_type,
            size=len(data),
            uploaded_by=actor_of(by),
        )
        # FileField storage gives each file a generated, unique name.
        material.file.save(_unique(stored_name), ContentFile(data), save=False)
        if thumbnail is not None:
            material.thumbnail.save(_unique(f"thumb.{ext}"), thumbnail, save=False)
        material.save()
    return material


def _unique(name: str) -> str:
    import uuid

    return f"{uuid.uuid4().hex}-{name}"


def material_links_set(*, slot: Slot, links: list[str], private: bool, by: Any) -> Slot:
    _check_deadline(slot, by)
    cleaned = []
    for link in (item.strip() for item in links):
        if not link:
            continue
        parsed = urlparse(link)
        if (
            parsed.scheme not in {"http", "https"}
            or not parsed.netloc
            or len(link) > 500
        ):
            raise UploadRefused(
                _("视频链接必须是 http(s) 网址：“%(link)s”。") % {"link": link[:80]}
            )
        if link not in cleaned:
            cleaned.append(link)
    if len(cleaned) > MAX_VIDEO_LINKS:
        raise UploadRefused(_("最多 %(n)d 个视频链接。") % {"n": MAX_VIDEO_LINKS})
    with transaction.atomic():
        locked = Slot.objects.select_for_update().get(pk=slot.pk)
        changed = cleaned != locked.video_links
        locked.video_links, locked.materials_private = cleaned, private
        fields = ["video_links", "materials_private"]
        if changed:
            # New links are shown once a reviewer has seen them.
            locked.links_review = MaterialReview.PENDING
            locked.links_review_comment = ""
            fields += ["links_review", "links_review_comment"]
        locked.save(update_fields=fields)
    slot.video_links, slot.materials_private = cleaned, private
    slot.links_review = locked.links_review
    return slot


DECISIONS = {"clear": MaterialReview.CLEARED, "refuse": MaterialReview.REFUSED}


def _decision(decision: str, comment: str) -> str:
    if decision not in DECISIONS:
        raise ReviewRefused(_("未知的审核结论。"))
    if decision == "refuse" and not comment.strip():
        raise ReviewRefused(_("不予通过时必须填写原因，团队将据此修改。"))
    return DECISIONS[decision]


def material_review(
    *, material: PitchMaterial, decision: str, by: Any, comment: str = ""
) -> PitchMaterial:
    """A reviewer clears or refuses the current version of a file."""
    outcome = _decision(decision, comment)
    with transaction.atomic():
        locked = (
            PitchMaterial.objects.select_for_update(of=("self",))
            .select_related("slot__achievement")
            .get(pk=material.pk)
        )
        if not permissions.user_can(by, "material.review", locked.slot):
            raise ReviewRefused(_("您无权审核该材料（审查员不能审核本单位的材料）。"))
        if locked.superseded_at is not None:
            raise ReviewRefused(_("该文件已被新版本替换，请审核最新版本。"))
        if locked.review != MaterialReview.PENDING:
            raise ReviewRefused(_("该文件已审核。"))
        locked.review = outcome
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_comment = comment.strip()[:500]
        locked.save(
            update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"]
        )
    return locked


def material_links_review(
    *, slot: Slot, decision: str, seen: list[str], by: Any, comment: str = ""
) -> Slot:
    """A reviewer clears or refuses the slot's video links, as they saw them:
    links changed since are refused (the reviewer must look again)."""
    outcome = _decision(decision, comment)
    with transaction.atomic():
        locked = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("achievement")
            .get(pk=slot.pk)
        )
        if not permissions.user_can(by, "material.review", locked):
            raise ReviewRefused(_("您无权审核该材料（审查员不能审核本单位的材料）。"))
        if list(seen) != list(locked.video_links):
            raise ReviewRefused(
                _("视频链接在您查看之后已被修改，请重新查看后再作结论。")
            )
        if locked.links_review != MaterialReview.PENDING:
            raise ReviewRefused(_("视频链接已审核。"))
        locked.links_review = outcome
        locked.links_review_comment = comment.strip()[:500]
        locked.save(update_fields=["links_review", "links_review_comment"])
    return locked


def materials_awaiting_review(*, user: Any):
    """Current files and link lists waiting for this reviewer (never those of
    the reviewer's own organizations)."""
    if not permissions.is_reviewer(user):
        return [], []
    own = permissions.organization_ids(user)
    files = (
        PitchMaterial.objects.filter(
            superseded_at__isnull=True, review=MaterialReview.PENDING
        )
        .exclude(slot__team_id__in=own)
        .exclude(slot__achievement__owner_id__in=own)
        .select_related("slot__roadshow", "slot__achievement", "slot__team")
        .order_by("created_at", "id")
    )
    links = (
        Slot.objects.filter(links_review=MaterialReview.PENDING)
        .exclude(video_links=[])
        .exclude(team_id__in=own)
        .exclude(achievement__owner_id__in=own)
        .select_related("roadshow", "achievement", "team")
        .order_by("roadshow__start", "position")
    )
    return list(files[:100]), list(links[:100])


def public_links_of(
    *, slot: Slot, current: dict[str, PitchMaterial]
) -> tuple[list[str], bool]:
    """For a programme the viewer may see: the slot's video links a reviewer
    cleared, and whether materials are still in review ("材料审核中")."""
    if slot.materials_private:
        return [], False
    pending = any(m.review == MaterialReview.PENDING for m in current.values()) or bool(
        slot.video_links and slot.links_review == MaterialReview.PENDING
    )
    links = (
        list(slot.video_links) if slot.links_review == MaterialReview.CLEARED else []
    )
    return links, pending


def current_materials(*, slot: Slot) -> dict[str, PitchMaterial]:
    return current_materials_of(slots=[slot]).get(slot.pk, {})


def current_materials_of(*, slots) -> dict[int, dict[str, PitchMaterial]]:
    """Current materials of several slots in one query: slot id -> kind -> file."""
    found: dict[int, dict[str, PitchMaterial]] = {}
    for material in PitchMaterial.objects.filter(
        slot__in=list(slots), superseded_at__isnull=True
    ).select_related("slot__roadshow", "slot__achievement"):
        found.setdefault(material.slot_id, {})[material.kind] = material
    return found


def materials_missing(*, roadshow: Roadshow) -> list[tuple[Slot, list[str]]]:
    """Pitch slots that lack a deck or a cover, with what they lack."""
    missing = []
    slots = roadshow.slots.filter(kind="pitch").select_related("achievement", "team")
    current = {
        (m.slot_id, m.kind)
        for m in PitchMaterial.objects.filter(
            slot__roadshow=roadshow, superseded_at__isnull=True
        )
    }
    for slot in slots:
        lacking = [
            str(label)
            for kind, label in MaterialKind.choices
            if (slot.pk, kind) not in current
        ]
        if lacking:
            missing.append((slot, lacking))
    return missing


def materials_due(*, roadshow: Roadshow) -> bool:
    """Whether missing materials are still worth asking for: the roadshow is
    still to come (planned, not started).  Once it was held or called off,
    nobody is reminded of what it lacked."""
    return (
        roadshow.status in RoadshowStatus.planned_states
        and roadshow.start > timezone.now()
    )


def materials_remind(*, slot: Slot, by: Any) -> int:
    """Email the slot's team that materials are missing, after commit; only
    while the roadshow is still to come (otherwise nobody is written to)."""
    if not materials_due(roadshow=slot.roadshow):
        return 0
    recipients = team_emails(organization_id=slot.team_id)
    if not recipients:
        return 0
    roadshow = slot.roadshow
    deadline = (
        timezone.localtime(roadshow.materials_deadline).strftime("%Y-%m-%d %H:%M")
        if roadshow.materials_deadline
        else _("路演开始前")
    )
    subject = _("请提交路演材料：%(title)s") % {"title": roadshow.title}
    body = _(
        "您好！\n\n“%(achievement)s”将在“%(roadshow)s”（%(start)s）进行路演，"
        "目前尚缺路演材料。请于 %(deadline)s 前登录平台上传路演 PDF 和封面图片。\n\n"
        "科技成果路演平台"
    ) % {
        "achievement": slot.achievement.title if slot.achievement_id else "",
        "roadshow": roadshow.title,
        "start": timezone.localtime(roadshow.start).strftime("%Y-%m-%d %H:%M"),
        "deadline": deadline,
    }
    email_send(to=recipients, subject=subject, body=body)
    return len(recipients)
