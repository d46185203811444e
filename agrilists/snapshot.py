"""What a list shows of an achievement, copied at publication, and the list's
XLSX, written once from those copies."""

import io
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from achievements.enums import TRL_DESCRIPTIONS, TransferMode
from achievements.models import Achievement
from spreadsheets import About, XlsxExport

SNAPSHOT_VERSION = 1


def _term(term: Any) -> dict[str, str] | None:
    if term is None:
        return None
    return {"code": term.code, "name": term.name, "name_en": term.name_en}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def snapshot_of(achievement: Achievement) -> dict[str, Any]:
    """The shown fields of an achievement, as plain data (names in both
    languages where the library has them)."""
    return {
        "version": SNAPSHOT_VERSION,
        "id": achievement.pk,
        "title": achievement.title,
        "summary": achievement.summary,
        "owner": achievement.owner.name,
        "team": achievement.team,
        "source_programme": achievement.source_programme,
        "project_number": achievement.project_number,
        "field": {
            "code": achievement.field.code,
            "name": achievement.field.name,
            "name_en": achievement.field.name_en,
        },
        "trl": achievement.trl,
        "agri_tech_field": _term(achievement.agri_tech_field),
        "agri_industry": _term(achievement.agri_industry),
        "agri_scenario": _term(achievement.agri_scenario),
        "transfer_modes": list(achievement.transfer_modes),
        "price_min": _money(achievement.price_min),
        "price_max": _money(achievement.price_max),
        "target_provinces": [
            {"code": p.code, "name": p.name, "name_en": p.name_en}
            for p in achievement.target_provinces.all()
        ],
        "keywords": achievement.keywords,
    }


def _name(item: dict[str, str] | None) -> str:
    if not item:
        return ""
    lang = translation.get_language() or ""
    return (
        item["name_en"] if lang.startswith("en") and item["name_en"] else item["name"]
    )


def shown(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as a page shows it, in the reader's language."""
    modes = dict(TransferMode.choices)
    return {
        **snapshot,
        "field_name": _name(snapshot["field"]),
        "agri_tech_field_name": _name(snapshot["agri_tech_field"]),
        "agri_industry_name": _name(snapshot["agri_industry"]),
        "agri_scenario_name": _name(snapshot["agri_scenario"]),
        "transfer_mode_labels": [
            str(modes.get(m, m)) for m in snapshot["transfer_modes"]
        ],
        "province_names": [_name(p) for p in snapshot["target_provinces"]],
    }


def list_workbook(*, agri_list: Any, snapshots: list[dict[str, Any]]) -> bytes:
    """The list's XLSX, in Chinese (the official text), from the snapshots."""
    with translation.override("zh-hans"):
        export = XlsxExport(
            about=About(
                title=agri_list.title,
                exported_by=_("科技成果路演平台"),
                filters=[
                    (_("清单类型"), str(agri_list.get_scope_display())),
                    (_("批次"), agri_list.period),
                    (_("发布日期"), agri_list.issued_on.isoformat()),
                ],
                exported_at=agri_list.published_at,
            )
        )
        sheet = export.sheet(
            _("清单"),
            header=[
                _("序号"),
                _("成果名称"),
                _("成果持有单位"),
                _("来源计划"),
                _("项目编号"),
                _("技术领域（农业）"),
                _("服务产业类型（农业）"),
                _("产业应用场景（农业）"),
                _("产业领域"),
                _("技术成熟度"),
                _("转化方式"),
                _("拟重点转化区域"),
                _("成果简介"),
            ],
        )
        for number, snap in enumerate(snapshots, start=1):
            row = shown(snap)
            sheet.append(
                [
                    number,
                    snap["title"],
                    snap["owner"],
                    snap["source_programme"],
                    snap["project_number"],
                    row["agri_tech_field_name"],
                    row["agri_industry_name"],
                    row["agri_scenario_name"],
                    row["field_name"],
                    f"TRL {snap['trl']} · {TRL_DESCRIPTIONS[snap['trl']]}",
                    "、".join(row["transfer_mode_labels"]),
                    "、".join(row["province_names"]),
                    snap["summary"],
                ]
            )
        stream = io.BytesIO()
        export.save(stream)
    return stream.getvalue()
