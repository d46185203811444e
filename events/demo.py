"""Demo roadshows: this year's "1+1" plan, held, published and planned ones."""

import base64
import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.enums import OrganizationKind
from accounts.models import Organization, User
from achievements.enums import Publication
from achievements.models import Achievement, IndustryField, Province

from .enums import (
    Attendance,
    Format,
    RegionKind,
    RegistrationStatus,
    RoadshowStatus,
    ScanResult,
    SlotKind,
)
from .models import Registration, Roadshow, Scan, YearPlan
from .registrations import short_code_of
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
    public = Achievement.objects.filter(publication=Publication.PUBLIC)
    if roadshow.field_id:
        pool = public.filter(field_id=roadshow.field_id)
    elif roadshow.province_id:  # what is to be transferred in the province
        pool = public.filter(target_provinces=roadshow.province_id)
    elif roadshow.region_kind == RegionKind.AGRI_ZONE:
        pool = public.filter(field__is_agricultural=True)
    else:
        pool = public
    ids = sorted(pool.values_list("pk", flat=True).distinct())
    if not ids:
        ids = sorted(public.values_list("pk", flat=True))
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


# Where a region roadshow is held (field roadshows are in Beijing).
VENUES = {
    "32": ("江苏省技术产权交易市场", "江苏省南京市建邺区"),
    "44": ("广东省科技成果转化服务中心", "广东省广州市天河区"),
    "51": ("四川省科技成果转化综合服务平台", "四川省成都市高新区"),
    "61": ("陕西省科技资源统筹中心", "陕西省西安市雁塔区"),
    "23": ("黑龙江省科技成果转化中心", "黑龙江省哈尔滨市南岗区"),
    "武汉东湖新技术开发区": ("光谷科技会展中心", "湖北省武汉市东湖新技术开发区"),
    "杨凌农业高新技术产业示范区": ("杨凌国际会展中心", "陕西省杨凌示范区"),
}


def _venue(roadshow: Roadshow) -> dict:
    key = (
        roadshow.province.code
        if roadshow.province_id
        else roadshow.zone.name
        if roadshow.zone_id
        else ""
    )
    venue, address = VENUES.get(
        key, ("国家科技成果转化服务中心", "北京市海淀区中关村南大街")
    )
    return {"venue": venue, "address": address}


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
                **_venue(roadshow),
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
            _attendance(roadshow, rng, _visitors())
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


VISITORS = 24
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["晓明", "海燕", "志远", "佳怡", "建国", "丽华", "文博", "思远"]


def _visitors() -> list[User]:
    """The people from enterprises, funds and banks who came to the held
    roadshows (no login: they only hold tickets), with the demo's approved
    investor and enterprise."""
    people = list(User.objects.filter(username__in=["investor", "enterprise"]))
    for n in range(1, VISITORS + 1):
        user, created = User.objects.get_or_create(
            username=f"visitor{n:02d}",
            defaults={
                "name": SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                "email": f"visitor{n:02d}@example.com",
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people


def _attendance(roadshow: Roadshow, rng: random.Random, people: list[User]) -> None:
    """A held roadshow's registrations, written as they were then: confirmed
    a week or two before, most on-site guests scanned in at the door in the
    hour before the start, the others watching online."""
    chosen = rng.sample(people, k=min(len(people), rng.randint(14, 22)))
    scanner = User.objects.filter(username="organizer").first()
    for n, user in enumerate(chosen):
        onsite = rng.random() < 0.7
        secret = base64.b32encode(rng.randbytes(16)).decode().rstrip("=")
        checked_in = (
            roadshow.start - dt.timedelta(minutes=rng.randint(5, 60))
            if onsite and rng.random() < 0.85
            else None
        )
        registration = Registration.objects.create(
            roadshow=roadshow,
            user=user,
            attendance=Attendance.ONSITE if onsite else Attendance.ONLINE,
            status=RegistrationStatus.CONFIRMED,
            secret=secret,
            short_code=short_code_of(secret),
            confirmed_at=roadshow.start - dt.timedelta(days=rng.randint(3, 14)),
            checked_in_at=checked_in,
            checked_in_door="主入口" if checked_in else "",
        )
        Registration.objects.filter(pk=registration.pk).update(
            created_at=registration.confirmed_at
        )
        if checked_in:
            scan = Scan.objects.create(
                scan_id=f"demo-{roadshow.pk}-{n}",
                roadshow=roadshow,
                registration=registration,
                door="主入口",
                result=ScanResult.OK,
                scanned_by=scanner,
            )
            Scan.objects.filter(pk=scan.pk).update(created_at=checked_in)
