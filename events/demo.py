"""Demo roadshows: this year's "1+1" plan, held, published and planned ones."""

import random

from django.db import transaction
from django.utils import timezone

from accounts.enums import OrganizationKind
from accounts.models import Organization
from achievements.enums import Publication
from achievements.models import Achievement, IndustryField, Province

from .enums import Format, RegionKind, RoadshowStatus, SlotKind
from .models import Roadshow, YearPlan
from .services import (
    FieldTurn,
    RegionTurn,
    roadshow_transition,
    roadshow_update,
    slot_add,
    year_plan_create,
)

AGENCIES = [
    "中国农村技术开发中心",
    "国家科技风险开发事业中心",
    "中国生物技术发展中心",
    "科学技术部高技术研究发展中心",
]
REGIONS = [
    ("32", "江苏省科学技术厅"),
    ("44", "广东省科学技术厅"),
    ("51", "四川省科学技术厅"),
    ("61", "陕西省科学技术厅"),
    ("23", "黑龙江省科学技术厅"),
]
ZONES = [
    ("武汉东湖新技术开发区", OrganizationKind.HI_TECH_ZONE, RegionKind.HI_TECH_ZONE),
    (
        "杨凌农业高新技术产业示范区",
        OrganizationKind.AGRI_HI_TECH_ZONE,
        RegionKind.AGRI_ZONE,
    ),
]
FUNDS = [
    "国科成果转化创业投资基金",
    "长江科创股权投资基金",
    "中国建设银行科技金融事业部",
]


def _org(name: str, kind: str) -> Organization:
    org, _ = Organization.objects.get_or_create(name=name, defaults={"kind": kind})
    return org


def _programme(roadshow: Roadshow, rng: random.Random) -> None:
    pool = Achievement.objects.filter(publication=Publication.PUBLIC)
    if roadshow.field_id:
        pool = pool.filter(field_id=roadshow.field_id)
    ids = sorted(pool.values_list("pk", flat=True))
    for pk in rng.sample(ids, k=min(4, len(ids))):
        achievement = Achievement.objects.get(pk=pk)
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=25,
            achievement=achievement,
            presenters=achievement.team,
        )
    slot_add(
        roadshow=roadshow, kind=SlotKind.QA, duration_minutes=20, title="投资人问答"
    )


@transaction.atomic
def seed_roadshows(
    *, seed: int = 2026, year: int | None = None, publish_within_days: int = 45
) -> int:
    """A year's plan (this year by default), with every roadshow that already
    ended held and closed, and the ones starting within ``publish_within_days``
    published with their programmes.  Runs once per year."""
    year = year or timezone.localdate().year
    if YearPlan.objects.filter(year=year).exists():
        return 0
    rng = random.Random(seed)
    torch = Organization.objects.filter(kind=OrganizationKind.TORCH_CENTRE).first()
    agencies = [_org(name, OrganizationKind.SPECIALIZED_AGENCY) for name in AGENCIES]
    field_rota = [
        FieldTurn(field=field, host=agencies[i % len(agencies)])
        for i, field in enumerate(IndustryField.objects.order_by("sort_order"))
    ]
    region_rota = [
        RegionTurn(
            kind=RegionKind.PROVINCE,
            province=Province.objects.get(code=code),
            zone=None,
            host=_org(dept, OrganizationKind.LOCAL_ST_DEPARTMENT),
        )
        for code, dept in REGIONS
    ]
    for name, org_kind, region_kind in ZONES:
        zone = _org(name, org_kind)
        region_rota.append(
            RegionTurn(kind=region_kind, province=None, zone=zone, host=zone)
        )
    plan = year_plan_create(
        year=year,
        field_rota=field_rota,
        region_rota=region_rota,
        blocked=set(),
        lead_host=torch,
        by=None,
    )
    funds = [_org(name, OrganizationKind.MARKET_FUND) for name in FUNDS]
    now = timezone.now()
    for roadshow in plan.roadshows.order_by("start"):
        days_ahead = (roadshow.start - now).days
        if days_ahead > publish_within_days:
            continue
        roadshow_update(
            roadshow=roadshow,
            data={
                "summary": f"{roadshow.title}：集中展示{roadshow.field.name if roadshow.field else roadshow.region_name}的国家科技计划成果，邀请产业、基金与银行现场对接。",
                "format": Format.HYBRID,
                "venue": "国家科技成果转化服务中心",
                "address": "北京市海淀区中关村南大街",
                "stream_url": "https://live.example.cn/roadshow.m3u8",
                "capacity": 200,
                "invited": funds,
            },
            by=None,
        )
        _programme(roadshow, rng)
        roadshow = roadshow_transition(roadshow=roadshow, action="publish", by=None)
        if roadshow.end < now:
            roadshow_transition(roadshow=roadshow, action="close", by=None)
    return plan.roadshows.exclude(status=RoadshowStatus.DRAFT).count()


# Where the demo's institutions are registered (the province of their unified
# social credit code, the rule every "where is this organization" reads) —
# set only where a demo organization has no code yet.
DEMO_PROVINCES = {
    "清华大学": "11",
    "中国农业科学院作物科学研究所": "11",
    "中国建设银行科技金融事业部": "11",
    "国科成果转化创业投资基金": "44",
    "上海技术交易所": "31",
    "江苏省科学技术厅": "32",
    "华东新能源装备股份有限公司": "32",
    "浙江大学": "33",
    "中国科学院宁波材料技术与工程研究所": "33",
    "华中农业大学": "42",
    "武汉东湖新技术开发区": "42",
    "长江科创股权投资基金": "42",
    "广东省科学技术厅": "44",
    "四川省科学技术厅": "51",
    "四川银行科创金融中心": "51",
    "成都银行科技金融部": "51",
    "陕西省科学技术厅": "61",
    "西北工业大学": "61",
    "杨凌农业高新技术产业示范区": "61",
    "黑龙江省科学技术厅": "23",
    "北方智能制造集团有限公司": "23",
}
# seeds/004 四's pairings between provinces (深圳 with 哈尔滨, 贵州 with 广东,
# 株洲 with 吉林, 杭州 with 大连, 张江 with 兰白, 黄河三角洲 with 内蒙古).
DEMO_PAIRS = [
    ("23", "44", "哈尔滨与深圳：玉米基因组设计育种、“南数北算”"),
    ("52", "44", "贵州省科技创新服务中心与华南技术转移中心"),
    ("22", "43", "吉林市碳纤维与株洲"),
    ("21", "33", "大连金普新区“大连数谷”与杭州"),
    ("62", "31", "兰白两区与上海张江高新区（绿色技术银行甘肃分中心）"),
    ("15", "37", "内蒙古农业科技园区与黄河三角洲农高区"),
]


def seed_pairs() -> int:
    """The seed's pairs 结对 and the demo institutions' provinces (through
    their credit codes); safe to run again."""
    from accounts.credit_code import check_character

    from .models import RegionPair

    for n, (name, code) in enumerate(sorted(DEMO_PROVINCES.items()), start=1):
        first17 = f"91{code}0100MA{n:07d}"
        Organization.objects.filter(name=name, credit_code="").update(
            credit_code=first17 + check_character(first17)
        )
    made = 0
    for a, b, note in DEMO_PAIRS:
        _pair, created = RegionPair.objects.get_or_create(
            province_a=Province.objects.get(code=a),
            province_b=Province.objects.get(code=b),
            zone_a=None,
            zone_b=None,
            defaults={"note": note},
        )
        made += created
    return made
