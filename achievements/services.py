"""Writes to the library: content changes and the review workflow (R1, R2)."""

from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organization, actor_of
from accounts.permissions import user_can

from .enums import Publication, ReviewStatus
from .models import (
    AGRI_DIMENSIONS,
    CONTENT_FIELDS,
    REFERENCE_CONTENT_FIELDS,
    Achievement,
    Attachment,
    Province,
    ReviewEvent,
    provinces_index_of,
)
from .notices import review_notify


class ReviewError(Exception):
    """A workflow move that is not allowed now; the message is for the user."""


# The one table of allowed moves: action -> (from states, to state).
_DECIDABLE = {
    ReviewStatus.SUBMITTED,
    ReviewStatus.UNDER_REVIEW,
    ReviewStatus.CLEARED,
    ReviewStatus.RESTRICTED,
    ReviewStatus.WITHHELD,
}
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": (
        {ReviewStatus.DRAFT, ReviewStatus.RETURNED, ReviewStatus.WITHHELD},
        ReviewStatus.SUBMITTED,
    ),
    "start_review": ({ReviewStatus.SUBMITTED}, ReviewStatus.UNDER_REVIEW),
    "clear": (_DECIDABLE - {ReviewStatus.CLEARED}, ReviewStatus.CLEARED),
    "restrict": (_DECIDABLE - {ReviewStatus.RESTRICTED}, ReviewStatus.RESTRICTED),
    "withhold": (_DECIDABLE - {ReviewStatus.WITHHELD}, ReviewStatus.WITHHELD),
    "return": (
        {ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW},
        ReviewStatus.RETURNED,
    ),
    # An edit of a published achievement sends it back to review by itself.
    "resubmit_edit": (
        {
            ReviewStatus.CLEARED,
            ReviewStatus.RESTRICTED,
            ReviewStatus.RETURNED,
            ReviewStatus.SUBMITTED,
        },
        ReviewStatus.SUBMITTED,
    ),
}
REVIEWER_ACTIONS = {"start_review", "clear", "restrict", "withhold", "return"}
# Decisions are made on what the reviewer saw: they name its revision.
DECISIONS = {"clear", "restrict", "withhold", "return"}
_PUBLICATION_AFTER = {
    "clear": Publication.PUBLIC,
    "restrict": Publication.RESTRICTED,
    "withhold": Publication.NONE,
}


def _serialize(data: dict[str, Any]) -> dict[str, Any]:
    """Content values as JSON: models by key, decimals as strings."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in REFERENCE_CONTENT_FIELDS and isinstance(value, models.Model):
            value = value.pk
        elif key == "target_provinces":
            value = [p.pk if isinstance(p, Province) else int(p) for p in value]
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def _set_provinces(achievement: Achievement, ids: list[int]) -> None:
    achievement.set_provinces(Province.objects.filter(pk__in=ids))


def _assign(achievement: Achievement, data: dict[str, Any]) -> list[int] | None:
    """Set content columns from serialized or cleaned data; return provinces."""
    provinces = None
    for key, value in data.items():
        if key not in CONTENT_FIELDS:
            continue
        if key == "target_provinces":
            provinces = [p.pk if isinstance(p, Province) else int(p) for p in value]
        elif key in REFERENCE_CONTENT_FIELDS:
            setattr(
                achievement,
                f"{key}_id",
                value.pk if isinstance(value, models.Model) else value,
            )
            if key in AGRI_DIMENSIONS and achievement.agri_unmapped:
                # A term chosen for a dimension settles its unmapped text.
                achievement.agri_unmapped = {
                    k: v for k, v in achievement.agri_unmapped.items() if k != key
                }
        elif key in {"price_min", "price_max"}:
            setattr(
                achievement, key, None if value in (None, "") else Decimal(str(value))
            )
        else:
            setattr(achievement, key, value)
    return provinces


def achievement_content(*, achievement: Achievement) -> dict[str, Any]:
    """The latest content of an achievement, including changes awaiting review."""
    data = {
        key: getattr(achievement, key)
        for key in CONTENT_FIELDS
        if key not in {*REFERENCE_CONTENT_FIELDS, "target_provinces"}
    }
    for key in REFERENCE_CONTENT_FIELDS:
        data[key] = getattr(achievement, f"{key}_id")
    data["target_provinces"] = (
        [p.pk for p in achievement.target_provinces.all()] if achievement.pk else []
    )
    if achievement.pending_changes:
        data.update(achievement.pending_changes)
    return data


def _record(
    *, achievement: Achievement, by: Any, from_status: str, to_status: str, comment: str
) -> None:
    ReviewEvent.objects.create(
        achievement=achievement,
        actor=actor_of(by),
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


@transaction.atomic
def achievement_create(
    *,
    owner: Organization,
    data: dict[str, Any],
    by: Any,
    status: str = ReviewStatus.DRAFT,
    comment: str = "",
) -> Achievement:
    achievement = Achievement(owner=owner, created_by=actor_of(by))
    provinces = _assign(achievement, data)
    achievement.status = status
    achievement.save()
    if provinces:
        _set_provinces(achievement, provinces)
    _record(
        achievement=achievement,
        by=by,
        from_status=ReviewStatus.DRAFT,
        to_status=status,
        comment=comment or gettext_noop("创建成果"),
    )
    return achievement


@transaction.atomic
def achievements_create_bulk(
    *,
    items: list[tuple[Organization, dict[str, Any]]],
    by: Any,
    status: str,
    comment: str,
) -> list[Achievement]:
    """achievement_create for many at once (bulk collection 汇交): the same
    rows and the same first line of history, in a few statements.  ``items``
    are (owner, cleaned content with ``target_provinces`` as Province rows)."""
    actor = actor_of(by)
    rows = []
    for owner, data in items:
        content = dict(data)
        provinces = content.pop("target_provinces", [])
        achievement = Achievement(
            owner=owner,
            created_by=actor,
            status=status,
            publication=Publication.NONE,
            provinces_index=provinces_index_of(provinces),
            **content,
        )
        achievement.refresh_search_fields()
        rows.append((achievement, provinces))
    created = Achievement.objects.bulk_create([a for a, _p in rows])
    through = Achievement.target_provinces.through
    through.objects.bulk_create(
        [
            through(achievement_id=a.pk, province_id=p.pk)
            for a, (_a, provinces) in zip(created, rows, strict=True)
            for p in provinces
        ]
    )
    ReviewEvent.objects.bulk_create(
        [
            ReviewEvent(
                achievement_id=a.pk,
                actor=actor,
                from_status=ReviewStatus.DRAFT,
                to_status=status,
                comment=comment,
            )
            for a in created
        ]
    )
    return created


@transaction.atomic
def achievement_update(
    *, achievement: Achievement, data: dict[str, Any], by: Any, comment: str = ""
) -> Achievement:
    """Change an achievement's content.

    Unpublished: the row changes in place.  Published: the change waits in
    pending_changes, the published version stays as it is, and the achievement
    goes back to review.
    """
    locked = _lock_for_edit(achievement)
    locked.revision += 1
    if locked.publication == Publication.NONE:
        provinces = _assign(locked, data)
        locked.save()
        if provinces is not None:
            _set_provinces(locked, provinces)
        return locked
    current = achievement_content(achievement=locked)
    proposed = {
        **current,
        **_serialize({k: v for k, v in data.items() if k in CONTENT_FIELDS}),
    }
    locked.pending_changes = dict(proposed)
    _back_to_review(
        locked,
        by=by,
        comment=comment
        or gettext_noop(
            "已发布成果被修改，修改内容待保密审查；审查通过前继续展示原版本。"
        ),
    )
    return locked


def _lock_for_edit(achievement: Achievement) -> Achievement:
    """The achievement's row, locked; refused while a reviewer is reading it."""
    locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if locked.status == ReviewStatus.UNDER_REVIEW:
        raise ReviewError(_("成果正在审查中，审查结束前不能修改。"))
    return locked


def _back_to_review(locked: Achievement, *, by: Any, comment: str) -> None:
    """A published achievement changed: it goes back to review (saved here)."""
    previous = locked.status
    locked.status = TRANSITIONS["resubmit_edit"][1]
    locked.save()
    if previous != locked.status:
        _record(
            achievement=locked,
            by=by,
            from_status=previous,
            to_status=locked.status,
            comment=comment,
        )


@transaction.atomic
def attachment_add(
    *,
    achievement: Achievement,
    content: Any,
    original_name: str,
    content_type: str,
    size: int,
    by: Any,
) -> Attachment:
    """Add a checked file.  It is shown beyond the team only once a reviewer
    has cleared the achievement with it; on a published achievement it sends
    the achievement back to review like an edit of its text."""
    locked = _lock_for_edit(achievement)
    attachment = Attachment.objects.create(
        achievement=locked,
        file=content,
        original_name=original_name,
        content_type=content_type,
        size=size,
        uploaded_by=actor_of(by),
    )
    locked.revision += 1
    if locked.publication == Publication.NONE:
        locked.save()
    else:
        _back_to_review(
            locked, by=by, comment=gettext_noop("已发布成果新增附件，附件待保密审查。")
        )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: Any) -> None:
    """Withdraw a file (removing shows less: no review needed)."""
    locked = _lock_for_edit(attachment.achievement)
    attachment.delete()
    locked.revision += 1
    locked.save(update_fields=["revision", "updated_at"])


@transaction.atomic
def achievement_transition(
    *,
    achievement: Achievement,
    action: str,
    by: Any,
    comment: str = "",
    seen_revision: int | None = None,
) -> Achievement:
    """Move an achievement through the review workflow (the table above).

    A decision names the revision the reviewer saw (``seen_revision``) and is
    refused if the content or files changed since."""
    try:
        allowed_from, to_status = TRANSITIONS[action]
    except KeyError as exc:
        raise ReviewError(_("未知的操作。")) from exc
    if action == "resubmit_edit":
        raise ReviewError(_("未知的操作。"))
    locked = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if action in REVIEWER_ACTIONS and not user_can(by, "achievement.review", locked):
        raise ReviewError(_("您无权审查该成果（审查员不能审查本单位的成果）。"))
    if locked.status not in allowed_from:
        raise ReviewError(
            _("当前状态为“%(status)s”，不能执行该操作。")
            % {"status": locked.get_status_display()}
        )
    if action == "return" and not comment.strip():
        raise ReviewError(_("退回时必须填写原因。"))
    if action in DECISIONS and seen_revision is None:
        raise ReviewError(_("审查结论必须注明所审查的版本，请在成果页面上作出结论。"))
    if action in DECISIONS and seen_revision != locked.revision:
        raise ReviewError(
            _(
                "您查看之后成果内容或附件已被修改（第 %(seen)d 版 → 第 %(now)d 版），"
                "请重新查看最新内容后再作结论。"
            )
            % {"seen": seen_revision, "now": locked.revision}
        )
    previous = locked.status
    locked.status = to_status
    provinces = None
    if action in _PUBLICATION_AFTER:
        if locked.pending_changes:
            provinces = _assign(locked, locked.pending_changes)
            locked.pending_changes = None
        locked.publication = _PUBLICATION_AFTER[action]
        if locked.publication != Publication.NONE:
            locked.published_at = locked.published_at or timezone.now()
            # The files the reviewer saw are cleared with the text.
            Attachment.objects.filter(
                achievement=locked, cleared_at__isnull=True
            ).update(cleared_at=timezone.now())
        else:
            locked.published_at = None
    locked.save()
    if provinces is not None:
        _set_provinces(locked, provinces)
    _record(
        achievement=locked,
        by=by,
        from_status=previous,
        to_status=to_status,
        comment=comment,
    )
    if action in DECISIONS:
        review_notify(achievement=locked, action=action, comment=comment, by=by)
    return locked


def achievement_pending_diff(*, achievement: Achievement) -> list[dict[str, str]]:
    """The changes awaiting review, field by field, as people read them."""
    from .enums import TransferMode

    pending = achievement.pending_changes or {}
    if not pending:
        return []
    # The row holds the published version; pending_changes the proposal.
    current = {
        key: getattr(achievement, key)
        for key in CONTENT_FIELDS
        if key not in {*REFERENCE_CONTENT_FIELDS, "target_provinces"}
    } | {key: getattr(achievement, f"{key}_id") for key in REFERENCE_CONTENT_FIELDS}
    current["target_provinces"] = [p.pk for p in achievement.target_provinces.all()]
    names = {
        key: {
            t.pk: t.local_name
            for t in Achievement._meta.get_field(key).related_model.objects.all()
        }
        for key in REFERENCE_CONTENT_FIELDS
    }
    provinces = {p.pk: p.local_name for p in Province.objects.all()}
    modes = dict(TransferMode.choices)

    def show(key: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if key in names:
            return names[key].get(int(value), str(value))
        if key == "target_provinces":
            return "、".join(provinces.get(int(v), str(v)) for v in value)
        if key == "transfer_modes":
            return "、".join(str(modes.get(v, v)) for v in value)
        return str(value)

    rows = []
    for key in CONTENT_FIELDS:
        if key not in pending:
            continue
        old, new = show(key, current.get(key)), show(key, pending[key])
        if key in {"price_min", "price_max"} and current.get(key) is not None:
            old = show(key, str(current[key]))
        if old != new:
            label = Achievement._meta.get_field(key).verbose_name
            rows.append({"field": str(label), "old": old, "new": new})
    return rows
