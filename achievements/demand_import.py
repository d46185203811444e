"""Demand lists collected in bulk (seeds/004 三.1): local S&T departments and
other organizers import technology demands 技术需求 and application
scenarios 应用场景 from CSV (UTF-8 or GB18030) or XLSX.

The same importer as the library's (``importing``): the file is read once
and judged by content, every row is checked and every problem reported
against its row and column in the user's language, and the rows are written
in one transaction that is rolled back whole if any row is wrong.  A demand
is known by its organization and title: importing the same pair again
updates it.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization, actor_of

from .enums import TRL_DESCRIPTIONS, DemandKind, DemandStatus
from .importing import (
    PROGRESS_EVERY,
    ImportRefused,
    ImportReport,
    in_both_languages,
    notes_rows,
    read_records,
    read_rows,
    write_import_template,
)
from .models import Demand
from .validation import (
    Column,
    Lookups,
    _text,
    clean_amount_range,
    clean_field,
    clean_organization,
    clean_texts,
    clean_trl,
    column_title,
)

DEMAND_COLUMNS = [
    Column(
        "kind",
        gettext_lazy("清单类型"),
        False,
        gettext_lazy("技术需求或应用场景；不填为技术需求"),
    ),
    Column(
        "organization",
        gettext_lazy("需求单位"),
        True,
        gettext_lazy("提出需求或发布场景的单位全称；尚未登记的单位将按“单位类型”新建"),
    ),
    Column(
        "organization_kind",
        gettext_lazy("单位类型"),
        False,
        gettext_lazy("需求单位的类型；单位尚未登记时必填"),
    ),
    Column(
        "scenario_owner",
        gettext_lazy("场景提供方"),
        False,
        gettext_lazy("应用场景由哪个城市或企业提供；不填为需求单位"),
    ),
    Column("title", gettext_lazy("需求名称"), True, gettext_lazy("需求或场景的名称")),
    Column("field", gettext_lazy("产业领域"), True, gettext_lazy("需求所属的产业领域")),
    Column(
        "description",
        gettext_lazy("需求描述"),
        True,
        gettext_lazy("要解决的问题、技术指标、应用条件"),
    ),
    Column(
        "province",
        gettext_lazy("所在地区"),
        True,
        gettext_lazy("需求或场景所在的省份"),
    ),
    Column(
        "min_trl",
        gettext_lazy("最低技术成熟度"),
        False,
        gettext_lazy("可接受的最低技术成熟度等级（TRL）；不填为 1"),
    ),
    Column(
        "budget_min",
        gettext_lazy("预算下限（万元）"),
        False,
        gettext_lazy("预算区间的下限"),
    ),
    Column(
        "budget_max",
        gettext_lazy("预算上限（万元）"),
        False,
        gettext_lazy("预算区间的上限，不小于下限"),
    ),
    Column(
        "deadline",
        gettext_lazy("截止日期"),
        False,
        gettext_lazy("征集截止日期，过期后不再推荐"),
    ),
]
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
# The template's example row is marked by its title, in either language.
EXAMPLE_PREFIX = gettext_lazy("【示例】")


@dataclass
class CleanedDemand:
    data: dict[str, Any] = field(default_factory=dict)
    organization_name: str = ""
    organization_kind: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)


def clean_demand(raw: dict[str, Any], *, lookups: Lookups) -> CleanedDemand:
    """Validate one row; every problem against its column."""
    out = CleanedDemand()

    def error(key: str, message: str) -> None:
        out.errors.append((key, message))

    for column in DEMAND_COLUMNS:
        if column.required and not _text(raw.get(column.key)):
            error(column.key, _("必填项不能为空。"))

    kind_text = _text(raw.get("kind"))
    kinds = {value: value for value in DemandKind.values}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            kinds.update({str(label).casefold(): v for v, label in DemandKind.choices})
    kind = kinds.get(kind_text.casefold(), None) if kind_text else DemandKind.TECHNOLOGY
    if kind is None:
        error("kind", _("未知的清单类型“%(value)s”。") % {"value": kind_text})
    out.data["kind"] = kind or DemandKind.TECHNOLOGY

    out.data.update(
        clean_texts(
            raw, ("title", "description", "scenario_owner"), model=Demand, error=error
        )
    )

    out.organization_name, out.organization_kind = clean_organization(
        raw,
        name_key="organization",
        kind_key="organization_kind",
        lookups=lookups,
        error=error,
    )
    if out.data["kind"] == DemandKind.SCENARIO and not out.data["scenario_owner"]:
        out.data["scenario_owner"] = out.organization_name[:100]

    field_text = _text(raw.get("field"))
    if field_text:
        out.data["field"] = clean_field(field_text, lookups=lookups, error=error)

    province_text = _text(raw.get("province"))
    if province_text:
        province = lookups.provinces.get(province_text.casefold())
        if province is None:
            error("province", _("未知的省份“%(value)s”。") % {"value": province_text})
        out.data["province"] = province

    trl_text = _text(raw.get("min_trl"))
    level = clean_trl(trl_text, key="min_trl", error=error) if trl_text else 1
    out.data["min_trl"] = level or 1

    out.data["budget_min"], out.data["budget_max"] = clean_amount_range(
        raw,
        low_key="budget_min",
        high_key="budget_max",
        error=error,
        invalid=_("预算必须是不小于 0 的数字（单位：万元），实际为“%(value)s”。"),
        inverted=_("预算上限不能小于下限。"),
    )

    out.data["deadline"] = _date(raw.get("deadline"), error)
    return out


def _date(value: Any, error) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    error(
        "deadline",
        _("日期格式不正确：请写作 2026-12-31，实际为“%(value)s”。") % {"value": text},
    )
    return None


def import_demands(
    *,
    file: Any,
    name: str = "",
    by: Any = None,
    dry_run: bool = False,
    publish: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a CSV/XLSX file of demands and scenarios; all rows or none.
    ``progress(rows)`` hears how many rows have been read.
    Raises ImportRefused for a file that cannot be read at all."""
    report = ImportReport(dry_run=dry_run)
    rows = read_rows(file, name)
    lookups = Lookups()
    seen: dict[tuple[str, str], int] = {}
    cleaned_rows: list[CleanedDemand] = []
    examples = tuple(in_both_languages(EXAMPLE_PREFIX))
    for line, record in read_records(
        rows,
        columns=DEMAND_COLUMNS,
        report=report,
        is_example=lambda record: (
            _text(record.get("title")).casefold().startswith(examples)
        ),
    ):
        cleaned = clean_demand(record, lookups=lookups)
        pair = (cleaned.organization_name, cleaned.data.get("title", ""))
        if all(pair):
            if pair in seen:
                cleaned.errors.append(
                    (
                        "title",
                        _("“%(org)s”的需求“%(title)s”在本文件第 %(first)d 行已出现。")
                        % {"org": pair[0], "title": pair[1], "first": seen[pair]},
                    )
                )
            else:
                seen[pair] = line
        for key, message in cleaned.errors:
            report.add_error(line, column_title(key, DEMAND_COLUMNS), message)
        if report.ok:
            cleaned_rows.append(cleaned)
        if progress is not None and report.rows % PROGRESS_EVERY == 0:
            progress(report.rows)
    if report.rows == 0:
        raise ImportRefused(
            _(
                "文件中只有模板的示例行，没有导入任何需求：请删除示例行，"
                "每行填写一项需求后再上传。"
            )
            if report.examples
            else _("文件中只有表头，没有导入任何需求：请从第二行起每行填写一项需求。")
        )
    if not report.ok:
        return report
    with transaction.atomic():
        report.created, report.updated = _write(
            cleaned_rows, by=actor_of(by), lookups=lookups, publish=publish
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(
    rows: list[CleanedDemand], *, by: Any, lookups: Lookups, publish: bool
) -> tuple[int, int]:
    created = updated = 0
    new: list[Demand] = []
    for cleaned in rows:
        organization = lookups.organization(cleaned.organization_name)
        if organization is None:
            organization = Organization.objects.create(
                name=cleaned.organization_name, kind=cleaned.organization_kind
            )
            lookups.remember_organization(organization)
        existing = Demand.objects.filter(
            organization=organization, title=cleaned.data["title"]
        ).first()
        if existing is not None:
            for key, value in cleaned.data.items():
                setattr(existing, key, value)
            existing.save()
            updated += 1
            continue
        new.append(
            Demand(
                organization=organization,
                created_by=by,
                status=DemandStatus.PUBLISHED if publish else DemandStatus.DRAFT,
                **cleaned.data,
            )
        )
    Demand.objects.bulk_create(new, batch_size=500)
    created = len(new)
    return created, updated


# ---------------------------------------------------------------- template --


def example_record() -> dict[str, Any]:
    from accounts.enums import OrganizationKind

    from .models import IndustryField, Province

    field = IndustryField.objects.filter(code="modern-energy").first() or (
        IndustryField.objects.first()
    )
    province = Province.objects.filter(code="51").first() or Province.objects.first()
    return {
        "kind": str(DemandKind.TECHNOLOGY.label),
        "organization": _("某某储能科技有限公司"),
        "organization_kind": str(OrganizationKind.ENTERPRISE.label),
        "scenario_owner": "",
        "title": str(EXAMPLE_PREFIX) + _("钠离子电池正极材料及储能电芯"),
        "field": field.local_name if field else "",
        "description": _(
            "寻求长循环寿命的钠离子电池正极材料及电芯制造技术，用于电网储能，"
            "要求已完成中试。"
        ),
        "province": province.local_name if province else "",
        "min_trl": 6,
        "budget_min": 200,
        "budget_max": 800,
        "deadline": (dt.date.today() + dt.timedelta(days=90)).isoformat(),
    }


def column_notes() -> list[list[str]]:
    from accounts.enums import OrganizationKind

    from .models import IndustryField, Province

    allowed = {
        "kind": "、".join(str(label) for _v, label in DemandKind.choices),
        "organization_kind": "、".join(
            str(label) for _v, label in OrganizationKind.choices
        ),
        "field": "、".join(f.local_name for f in IndustryField.objects.all()),
        "province": "、".join(p.local_name for p in Province.objects.all()),
        "min_trl": _("；").join(
            f"{level}: {text}" for level, text in TRL_DESCRIPTIONS.items()
        ),
    }
    money = _("数字，单位万元，不小于 0，最多两位小数")
    formats = {
        "kind": _("填写一个类型名称"),
        "organization": _(
            "文本，最多 200 个字；与需求名称一起识别一项需求，再次导入会更新原记录"
        ),
        "organization_kind": _("填写一个类型名称"),
        "field": _("填写一个领域名称"),
        "province": _("填写一个省份；可省略“省”“市”“自治区”"),
        "min_trl": _("1 到 9 的整数（也可写作“TRL6”或“6级”）"),
        "budget_min": money,
        "budget_max": money,
        "deadline": _("日期，如 2026-12-31（或 Excel 日期）"),
    }

    return notes_rows(DEMAND_COLUMNS, allowed=allowed, formats=formats, model=Demand)


def write_demand_template(stream: IO[bytes], *, fmt: str = "xlsx") -> None:
    """The import template: in CSV the header and the example row (skipped on
    import); in XLSX an empty sheet to fill, a sheet explaining each column
    and its allowed values, and the example on a sheet of its own."""
    write_import_template(
        stream,
        fmt=fmt,
        columns=DEMAND_COLUMNS,
        example=example_record(),
        notes=column_notes,
        sheet=_("需求"),
    )
