"""The deterministic demo data set (manage.py seed_demo): organizations and
logins, the library and the demands.  Every achievement is built from one
technology of its field (demo_topics.FIELDS), so its title, summary,
keywords, patents, owner and agricultural dimensions agree, and every
demand is an enterprise of that field asking for what the field offers."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from accounts.models import Membership, Organization, User

from .demo_topics import FIELDS, INSTITUTIONS, Field, Technology
from .enums import DemandStatus, Publication, ReviewStatus, TransferMode
from .models import (
    Achievement,
    Demand,
    IndustryField,
    Province,
    ReviewEvent,
    provinces_index_of,
)

DEMO_PASSWORD = "roadshow2026"

K = OrganizationKind
# Organizers, intermediaries and the investment side: name, kind, investor
# status.  The enterprises of each field come from demo_topics.FIELDS.
ORGANIZATIONS = [
    ("科技部火炬高技术产业开发中心", K.TORCH_CENTRE, InvestorStatus.NONE),
    ("中国农村技术开发中心", K.SPECIALIZED_AGENCY, InvestorStatus.NONE),
    ("国家科技风险开发事业中心", K.SPECIALIZED_AGENCY, InvestorStatus.NONE),
    ("江苏省科学技术厅", K.LOCAL_ST_DEPARTMENT, InvestorStatus.NONE),
    ("武汉东湖新技术开发区", K.HI_TECH_ZONE, InvestorStatus.NONE),
    ("杨凌农业高新技术产业示范区", K.AGRI_HI_TECH_ZONE, InvestorStatus.NONE),
    ("清华大学技术转移研究院", K.TRANSFER_OFFICE, InvestorStatus.NONE),
    ("上海技术交易所", K.TECHNOLOGY_EXCHANGE, InvestorStatus.NONE),
    ("长江科创股权投资基金", K.MARKET_FUND, InvestorStatus.APPROVED),
    ("国科成果转化创业投资基金", K.GUIDANCE_SUB_FUND, InvestorStatus.PENDING),
    ("中国建设银行科技金融事业部", K.COMMERCIAL_BANK, InvestorStatus.APPROVED),
]

# username, display name, organization, role
USERS = [
    ("organizer", "王组织", "科技部火炬高技术产业开发中心", Role.ORGANIZER),
    ("reviewer", "李审查", "科技部火炬高技术产业开发中心", Role.REVIEWER),
    ("team", "张教授", "清华大学", Role.TEAM),
    ("team2", "陈研究员", "中国农业科学院作物科学研究所", Role.TEAM),
    ("investor", "赵投资", "长江科创股权投资基金", Role.INVESTOR),
    ("investor_pending", "孙经理", "国科成果转化创业投资基金", Role.INVESTOR),
    ("enterprise", "周总工", "华东新能源装备股份有限公司", Role.INVESTOR),
]

PROGRAMMES = [
    "国家重点研发计划",
    "国家自然科学基金",
    "国家科技重大专项",
    "技术创新引导专项",
]
MODE_NAMES = {
    TransferMode.ASSIGNMENT: "转让",
    TransferMode.LICENCE: "许可",
    TransferMode.OPEN_LICENCE: "开放许可",
    TransferMode.EQUITY: "作价投资",
    TransferMode.JOINT_DEVELOPMENT: "合作开发",
}
# Where an ocean or space technology can be piloted and transferred.
COASTAL = ["12", "13", "21", "31", "32", "33", "35", "37", "44", "45", "46"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["建华", "伟", "志强", "明", "晓军", "磊", "海洋", "永勇", "丽艳", "国平"]

STATE_MIX = [
    # (review status, publication, weight)
    (ReviewStatus.CLEARED, Publication.PUBLIC, 70),
    (ReviewStatus.RESTRICTED, Publication.RESTRICTED, 8),
    (ReviewStatus.SUBMITTED, Publication.NONE, 7),
    (ReviewStatus.UNDER_REVIEW, Publication.NONE, 4),
    (ReviewStatus.DRAFT, Publication.NONE, 5),
    (ReviewStatus.RETURNED, Publication.NONE, 3),
    (ReviewStatus.WITHHELD, Publication.NONE, 3),
]
# The reviewer's word on each decision.
DECISIONS = {
    ReviewStatus.CLEARED: "不含涉密内容，同意公开。",
    ReviewStatus.RESTRICTED: "含中试工艺参数，仅向已批准的投资方公开。",
    ReviewStatus.WITHHELD: "涉及国家科技计划尚未公开的核心数据，暂不公开。",
    ReviewStatus.RETURNED: "请补充第三方检测报告，并删去简介中合作单位的内部数据后重新提交。",
}
TRL_WEIGHTS = [1, 2, 4, 7, 9, 10, 9, 6, 3]  # TRL 1–9: most near pilot stage


def _progress(field: IndustryField, trl: int, site: str) -> str:
    """What has been done, as the technology's readiness level says."""
    if field.is_agricultural:
        steps = ["完成实验室和温室验证", "完成小区试验", f"在{site}完成多点试验"]
        last = f"在{site}大面积示范推广"
    else:
        steps = [
            "完成原理验证和实验室测试",
            "完成样机（样品）研制和实验室环境验证",
            f"在{site}完成中试验证",
        ]
        last = f"在{site}实现示范应用"
    if trl <= 3:
        return "目前已" + steps[0]
    if trl <= 5:
        return "目前已" + steps[1]
    if trl <= 7:
        return "目前已" + steps[2]
    return "目前已" + last


def summary_of(
    technology: Technology, field: IndustryField, trl: int, site: str
) -> str:
    t = technology
    return (
        f"本成果围绕{t.core}，针对{t.problem}的问题，{t.approach}，形成了具有自主"
        f"知识产权的成套技术。{t.result}。{_progress(field, trl, site)}，{t.use}。"
    )


def title_of(rng: random.Random, technology: Technology) -> str:
    return (
        f"{rng.choice(technology.qualifiers)}{technology.core}"
        f"{rng.choice(technology.endings)}"
    )


def _organizations() -> dict[str, Organization]:
    rows = list(ORGANIZATIONS)
    rows += [
        (name, kind, InvestorStatus.NONE) for name, (kind, _p) in INSTITUTIONS.items()
    ]
    rows += [
        (field.enterprise[0], K.ENTERPRISE, InvestorStatus.APPROVED)
        for field in FIELDS.values()
    ]
    orgs = {}
    for name, kind, status in rows:
        org, _ = Organization.objects.update_or_create(
            name=name, defaults={"kind": kind, "investor_status": status}
        )
        orgs[name] = org
    return orgs


def _users(orgs: dict[str, Organization]) -> list[tuple[str, str]]:
    logins = []
    for username, name, org_name, role in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"name": name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.email = f"{username}@example.com"
            user.save()
        Membership.objects.get_or_create(
            user=user, organization=orgs[org_name], role=role
        )
        logins.append((username, f"{Role(role).label} · {org_name}"))
    return logins


def _patents(rng: random.Random, technology: Technology, year: int) -> str:
    lines = []
    for title in technology.patents:
        filed = min(2025, year + rng.randint(0, 2))
        number = f"ZL{filed}1{rng.randint(0, 9999999):07d}.{rng.randint(0, 9)}"
        lines.append(f"{number} {title}")
    return "\n".join(lines)


def _agri_terms(technology: Technology) -> dict:
    """The controlled vocabularies' terms of an agricultural technology."""
    from .models import AgriIndustry, AgriScenario, AgriTechField

    tech_field, industry, scenario = technology.agri
    return {
        "agri_tech_field": AgriTechField.objects.get(name=tech_field),
        "agri_industry": AgriIndustry.objects.get(name=industry),
        "agri_scenario": AgriScenario.objects.get(name=scenario),
    }


def _achievement(
    rng: random.Random,
    index: int,
    field: IndustryField,
    spec: Field,
    technology: Technology,
    owner: Organization,
    targets: list[Province],
) -> Achievement:
    status, publication = rng.choices(
        [(s, p) for s, p, _w in STATE_MIX], weights=[w for *_x, w in STATE_MIX]
    )[0]
    trl = rng.choices(range(1, 10), weights=TRL_WEIGHTS)[0]
    modes = rng.sample(list(TransferMode.values), k=rng.randint(1, 3))
    price_min = Decimal(rng.randrange(20, 200 + trl * 150, 10))
    year = 2019 + index % 6
    university = owner.kind == K.UNIVERSITY
    site = spec.site.format(province=targets[0].name)
    seeking = (
        f"拟以{'、'.join(MODE_NAMES[m] for m in modes)}方式转化，寻求{spec.partner}合作"
    )
    if TransferMode.EQUITY in modes:
        seeking += "，或引入产业基金共同设立公司"
    return Achievement(
        title=title_of(rng, technology),
        summary=summary_of(technology, field, trl, site),
        owner=owner,
        team=(
            f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"
            f"{'教授' if university else '研究员'}团队"
        ),
        source_programme=rng.choice(PROGRAMMES),
        project_number=f"DEMO{year}YFC{index:06d}",
        field=field,
        trl=trl,
        market_demand=technology.market,
        transfer_demand=seeking + "。",
        transfer_modes=modes,
        open_licence_terms=(
            "许可期限 3 年，普通许可，许可费按销售额 3% 计取。"
            if TransferMode.OPEN_LICENCE in modes
            else ""
        ),
        price_min=price_min,
        price_max=price_min + Decimal(rng.randrange(0, 3000, 10)),
        patents=_patents(rng, technology, year),
        keywords="、".join((technology.core, *technology.keywords)),
        contact_name="技术转移办公室" if university else "成果转化处",
        contact_phone=f"010-{rng.randint(60000000, 69999999)}",
        contact_email="ttc@example.edu.cn" if university else "cg@example.ac.cn",
        **(
            _agri_terms(technology) if field.is_agricultural and technology.agri else {}
        ),
        status=status,
        publication=publication,
        published_at=(
            timezone.now() - timedelta(days=rng.randint(0, 700), minutes=index)
            if publication != Publication.NONE
            else None
        ),
    )


def _review_events(achievement: Achievement, reviewer: User | None) -> list:
    """The achievement's review history: created, submitted, taken up by
    the reviewer, decided — as far as its state goes."""
    status = achievement.status
    steps = [(ReviewStatus.DRAFT, ReviewStatus.DRAFT, None, "")]
    if status != ReviewStatus.DRAFT:
        steps.append((ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, None, ""))
    if status not in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED):
        steps.append((ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW, reviewer, ""))
    if status in DECISIONS:
        steps.append((ReviewStatus.UNDER_REVIEW, status, reviewer, DECISIONS[status]))
    return [
        ReviewEvent(
            achievement_id=achievement.pk,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
        )
        for from_status, to_status, actor, comment in steps
    ]


def _backdate_waiting(achievements: list[Achievement]) -> None:
    """The review queue's items have waited from one to twenty days."""
    now = timezone.now()
    waiting = {
        a.pk: now - timedelta(days=1 + a.pk % 20, hours=a.pk % 7)
        for a in achievements
        if a.status in (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)
    }
    events = list(
        ReviewEvent.objects.filter(
            achievement_id__in=waiting, to_status=ReviewStatus.SUBMITTED
        )
    )
    for event in events:
        event.created_at = waiting[event.achievement_id]
    ReviewEvent.objects.bulk_update(events, ["created_at"], batch_size=500)


@transaction.atomic
def seed_demo(*, achievements: int = 320, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    orgs = _organizations()
    logins = _users(orgs)
    reviewer = User.objects.filter(username="reviewer").first()
    fields = [
        f for f in IndustryField.objects.order_by("sort_order") if f.code in FIELDS
    ]
    provinces = list(Province.objects.order_by("code"))
    coastal = [p for p in provinces if p.code in COASTAL]

    existing = set(
        Achievement.objects.filter(project_number__startswith="DEMO").values_list(
            "project_number", flat=True
        )
    )
    batch, provinces_of = [], []
    for index in range(achievements):
        field = fields[index % len(fields)]
        spec = FIELDS[field.code]
        # The first round shows each field's lead technology by its lead
        # institution, public (the live room, calls and matchmaking use them).
        showcase = index < len(fields)
        technology = spec.technologies[0] if showcase else rng.choice(spec.technologies)
        owner = orgs[
            technology.owners[0] if showcase else rng.choice(technology.owners)
        ]
        pool = coastal if field.code == "ocean-space" else provinces
        targets = rng.sample(pool, k=rng.randint(1, 4))
        achievement = _achievement(rng, index, field, spec, technology, owner, targets)
        if showcase:
            achievement.title = (
                f"{technology.qualifiers[0]}{technology.core}{technology.endings[0]}"
            )
            achievement.status = ReviewStatus.CLEARED
            achievement.publication = Publication.PUBLIC
            achievement.published_at = timezone.now() - timedelta(days=400 + index)
            achievement.trl = max(achievement.trl, 6)
            achievement.summary = summary_of(
                technology,
                field,
                achievement.trl,
                spec.site.format(province=targets[0].name),
            )
        if achievement.project_number in existing:
            continue
        achievement.refresh_search_fields()
        achievement.provinces_index = provinces_index_of(targets)
        batch.append(achievement)
        provinces_of.append(targets)
    created = 0
    through = Achievement.target_provinces.through
    for start in range(0, len(batch), 1000):
        chunk = Achievement.objects.bulk_create(batch[start : start + 1000])
        through.objects.bulk_create(
            through(achievement_id=a.pk, province_id=p.pk)
            for a, targets in zip(
                chunk, provinces_of[start : start + 1000], strict=True
            )
            for p in targets
        )
        ReviewEvent.objects.bulk_create(
            event for a in chunk for event in _review_events(a, reviewer)
        )
        _backdate_waiting(chunk)
        created += len(chunk)
    _demands(rng, orgs, fields, provinces)
    return {"created": created, "logins": logins, "password": DEMO_PASSWORD}


# Demand lists both ways (seeds/004 三.1): a technology demand and two
# application scenarios 应用场景, one offered by a city through its
# province's S&T department, one by an enterprise.
DEMAND_LISTS = [
    {
        "organization": "华东新能源装备股份有限公司",
        "kind": "technology",
        "scenario_owner": "",
        "title": "钠离子电池正极材料及储能电芯",
        "field": "modern-energy",
        "province": "32",
        "min_trl": 6,
        "description": (
            "建设电网侧储能电站，寻求高比能、长循环寿命的钠离子电池层状氧化物正极材料"
            "及电芯制造技术，要求循环寿命不低于 3000 次，已完成中试。"
        ),
    },
    {
        "organization": "江苏省科学技术厅",
        "kind": "scenario",
        "scenario_owner": "苏州工业园区",
        "title": "城市道路智能网联汽车测试应用场景",
        "field": "smart-city",
        "province": "32",
        "min_trl": 6,
        "description": (
            "开放园区内 50 公里城市道路和 3 处交通枢纽，面向车路协同、交通信号控制、"
            "自动驾驶感知等技术开展测试验证与示范应用。"
        ),
    },
    {
        "organization": "北方智能制造集团有限公司",
        "kind": "scenario",
        "scenario_owner": "北方智能制造集团有限公司",
        "title": "数控机床柔性产线智能化改造应用场景",
        "field": "smart-manufacturing",
        "province": "21",
        "min_trl": 7,
        "description": (
            "以集团两条数控机床装配线为场景，征集工业机器人、智能焊接系统、"
            "精密减速器等技术进行柔性化、智能化改造。"
        ),
    },
]


def seed_demand_lists() -> int:
    """The demand and scenario lists of the demo; safe to run again."""
    fields = {f.code: f for f in IndustryField.objects.all()}
    provinces = {p.code: p for p in Province.objects.all()}
    count = 0
    for item in DEMAND_LISTS:
        organization = Organization.objects.filter(name=item["organization"]).first()
        if organization is None or item["field"] not in fields:
            continue
        Demand.objects.update_or_create(
            organization=organization,
            title=item["title"],
            defaults={
                "kind": item["kind"],
                "scenario_owner": item["scenario_owner"],
                "field": fields[item["field"]],
                "province": provinces[item["province"]],
                "description": item["description"],
                "min_trl": item["min_trl"],
                "budget_min": Decimal("200"),
                "budget_max": Decimal("1500"),
                "deadline": date.today() + timedelta(days=120),
                "status": "published",
            },
        )
        count += 1
    return count


def _demands(rng, orgs, fields, provinces) -> None:
    """Each field's enterprise publishes what it needs of the field's
    technologies (the demo enterprise's are the energy ones)."""
    by_province = {p.code: p for p in provinces}
    enterprise_user = User.objects.filter(username="enterprise").first()
    for field in fields:
        spec = FIELDS[field.code]
        name, province_code = spec.enterprise
        organization = orgs[name]
        for technology in spec.technologies:
            if technology.demand is None:
                continue
            title, description = technology.demand
            budget_min = Decimal(rng.randrange(100, 600, 50))
            Demand.objects.update_or_create(
                organization=organization,
                title=title,
                defaults={
                    "field": field,
                    "province": by_province[province_code],
                    "description": description,
                    "budget_min": budget_min,
                    "budget_max": budget_min + Decimal(rng.randrange(300, 2000, 100)),
                    "min_trl": rng.choice([5, 6, 6, 7]),
                    "deadline": date.today() + timedelta(days=rng.randint(45, 150)),
                    "status": DemandStatus.PUBLISHED,
                    "created_by": (
                        enterprise_user
                        if name == USERS[-1][2] and enterprise_user
                        else None
                    ),
                },
            )
