"""Writes of the 进园入县 lists. A published list is frozen: every write
refuses it, under the list's row lock, before writing anything."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import actor_of
from accounts.permissions import user_can
from achievements.models import Achievement, Province
from achievements.selectors import achievements_public

from .enums import ListScope, ListStatus
from .models import AgriList, AgriListEntry
from .selectors import CLASSIFIED_Q
from .snapshot import list_workbook, snapshot_of


class ListRefused(Exception):
    """A change a list does not allow now; the message is for the user."""


def _check(by: Any) -> None:
    if not user_can(by, "agrilist.manage"):
        raise ListRefused(_("只有组织方可以编制进园入县清单。"))


def _locked_draft(agri_list: AgriList) -> AgriList:
    locked = AgriList.objects.select_for_update().get(pk=agri_list.pk)
    if locked.status == ListStatus.PUBLISHED:
        raise ListRefused(
            _(
                "“%(title)s”已于 %(when)s 发布并冻结，不能再修改或重新发布；"
                "如需调整，请新建下一批次的清单。"
            )
            % {
                "title": locked.title,
                "when": timezone.localtime(locked.published_at).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            }
        )
    return locked


@transaction.atomic
def list_create(
    *,
    scope: str,
    province: Province | None,
    period: str,
    issued_on: dt.date,
    introduction: str = "",
    by: Any,
) -> AgriList:
    _check(by)
    if scope == ListScope.LOCAL and province is None:
        raise ListRefused(_("地方清单须选择省份。"))
    if scope == ListScope.NATIONAL:
        province = None
    period = period.strip()
    if not period:
        raise ListRefused(_("请填写批次，如“2026年第三季度”。"))
    clash = AgriList.objects.filter(scope=scope, province=province, period=period)
    if clash.exists():
        raise ListRefused(_("该批次的清单已经存在。"))
    try:
        with transaction.atomic():
            return AgriList.objects.create(
                scope=scope,
                province=province,
                period=period,
                issued_on=issued_on,
                introduction=introduction.strip(),
                created_by=actor_of(by),
            )
    except IntegrityError as exc:
        raise ListRefused(_("该批次的清单已经存在。")) from exc


@transaction.atomic
def list_entries_add(
    *, agri_list: AgriList, achievement_ids: list[int], by: Any
) -> int:
    """Put achievements on a draft list; only public, classified ones may go
    on it. Returns how many were added."""
    _check(by)
    locked = _locked_draft(agri_list)
    wanted = set(achievement_ids)
    allowed = set(
        achievements_public()
        .filter(CLASSIFIED_Q, pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if wanted - allowed:
        raise ListRefused(_("只有已公开发布并按农业分类标注的成果可以入选清单。"))
    present = set(locked.entries.values_list("achievement_id", flat=True))
    last = locked.entries.aggregate(n=Max("position"))["n"] or 0
    new = [pk for pk in achievement_ids if pk not in present]
    AgriListEntry.objects.bulk_create(
        [
            AgriListEntry(agri_list=locked, achievement_id=pk, position=last + i)
            for i, pk in enumerate(dict.fromkeys(new), start=1)
        ]
    )
    AgriList.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return len(dict.fromkeys(new))


@transaction.atomic
def list_entry_remove(*, entry: AgriListEntry, by: Any) -> None:
    _check(by)
    _locked_draft(entry.agri_list)
    AgriListEntry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def list_publish(*, agri_list: AgriList, by: Any) -> AgriList:
    """Freeze a draft: copy every entry's shown fields, write the XLSX, mark
    it published — all in one transaction, or nothing at all."""
    _check(by)
    locked = _locked_draft(agri_list)
    entries = list(
        locked.entries.select_related(
            "achievement__owner",
            "achievement__field",
            "achievement__agri_tech_field",
            "achievement__agri_industry",
            "achievement__agri_scenario",
        ).prefetch_related("achievement__target_provinces")
    )
    entries = [e for e in entries if e.achievement is not None]
    if not entries:
        raise ListRefused(_("清单中还没有成果，不能发布。"))
    public = set(
        achievements_public()
        .filter(pk__in=[e.achievement_id for e in entries])
        .values_list("pk", flat=True)
    )
    gone: list[Achievement] = [
        e.achievement for e in entries if e.achievement_id not in public
    ]
    if gone:
        raise ListRefused(
            _("以下成果已不再公开，请先移出清单：%(titles)s")
            % {"titles": pgettext("punctuation", "、").join(a.title for a in gone)}
        )
    locked.published_at = timezone.now()
    locked.published_by = actor_of(by)
    snapshots = []
    for position, entry in enumerate(entries, start=1):
        entry.snapshot = snapshot_of(entry.achievement)
        entry.position = position
        snapshots.append(entry.snapshot)
    AgriListEntry.objects.bulk_update(entries, ["snapshot", "position"])
    # Entries whose achievement was deleted are not part of what is published.
    locked.entries.filter(achievement__isnull=True).delete()
    content = list_workbook(agri_list=locked, snapshots=snapshots)
    locked.xlsx = content
    locked.xlsx_sha256 = AgriList.digest(content)
    locked.status = ListStatus.PUBLISHED
    locked.save()
    return locked
