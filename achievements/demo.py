"""The deterministic demo data set (manage.py seed_demo)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from accounts.models import Membership, Organization, User

from .enums import Publication, ReviewStatus, TransferMode
from .models import (
    Achievement,
    Demand,
    IndustryField,
    Province,
    ReviewEvent,
    provinces_index_of,
)

DEMO_PASSWORD = "roadshow2026"

ORGANIZATIONS = [
    ("科技部火炬高技术产业开发中心", OrganizationKind.TORCH_CENTRE),
    ("中国农村技术开发中心", OrganizationKind.SPECIALIZED_AGENCY),
    ("国家科技风险开发事业中心", OrganizationKind.SPECIALIZED_AGENCY),
    ("江苏省科学技术厅", OrganizationKind.LOCAL_ST_DEPARTMENT),
    ("武汉东湖新技术开发区", OrganizationKind.HI_TECH_ZONE),
    ("杨凌农业高新技术产业示范区", OrganizationKind.AGRI_HI_TECH_ZONE),
    ("清华大学", OrganizationKind.UNIVERSITY),
    ("浙江大学", OrganizationKind.UNIVERSITY),
    ("华中农业大学", OrganizationKind.UNIVERSITY),
    ("西北工业大学", OrganizationKind.UNIVERSITY),
    ("中国科学院宁波材料技术与工程研究所", OrganizationKind.INSTITUTE),
    ("中国农业科学院作物科学研究所", OrganizationKind.INSTITUTE),
    ("清华大学技术转移研究院", OrganizationKind.TRANSFER_OFFICE),
    ("华东新能源装备股份有限公司", OrganizationKind.ENTERPRISE),
    ("北方智能制造集团有限公司", OrganizationKind.ENTERPRISE),
    ("国科成果转化创业投资基金", OrganizationKind.GUIDANCE_SUB_FUND),
    ("长江科创股权投资基金", OrganizationKind.MARKET_FUND),
    ("中国建设银行科技金融事业部", OrganizationKind.COMMERCIAL_BANK),
    ("上海技术交易所", OrganizationKind.TECHNOLOGY_EXCHANGE),
]
OWNERS = [
    "清华大学",
    "浙江大学",
    "华中农业大学",
    "西北工业大学",
    "中国科学院宁波材料技术与工程研究所",
    "中国农业科学院作物科学研究所",
]

# username, display name, organization, role, investor status of that org
USERS = [
    ("organizer", "王组织", "科技部火炬高技术产业开发中心", Role.ORGANIZER),
    ("reviewer", "李审查", "科技部火炬高技术产业开发中心", Role.REVIEWER),
    ("team", "张教授", "清华大学", Role.TEAM),
    ("team2", "陈研究员", "中国农业科学院作物科学研究所", Role.TEAM),
    ("investor", "赵投资", "长江科创股权投资基金", Role.INVESTOR),
    ("investor_pending", "孙经理", "国科成果转化创业投资基金", Role.INVESTOR),
    ("enterprise", "周总工", "华东新能源装备股份有限公司", Role.INVESTOR),
]

TOPICS = {
    "new-it": (
        ["高可靠", "低功耗", "自主可控", "大规模"],
        [
            "5G 通信芯片",
            "工业互联网平台",
            "量子密钥分发系统",
            "边缘计算网关",
            "存储芯片",
        ],
        ["研发", "关键技术", "及应用", "产业化"],
    ),
    "smart-manufacturing": (
        ["高精度", "智能", "绿色", "柔性"],
        ["数控机床", "工业机器人", "激光增材制造装备", "智能焊接系统", "减速器"],
        ["研制", "关键技术", "及产业化", "集成应用"],
    ),
    "modern-agriculture": (
        ["高产", "抗逆", "优质", "绿色"],
        [
            "玉米基因组设计育种",
            "水稻分子育种",
            "设施蔬菜栽培",
            "畜禽疫病防控",
            "智慧灌溉",
        ],
        ["技术", "新品种选育", "集成示范", "体系"],
    ),
    "modern-energy": (
        ["高效", "长寿命", "低成本", "大容量"],
        [
            "钙钛矿太阳能电池",
            "固态锂电池",
            "氢燃料电池电堆",
            "海上风电机组",
            "储能电站",
        ],
        ["研发", "关键材料", "制造技术", "示范应用"],
    ),
    "resources-environment": (
        ["高效", "低碳", "循环", "无害化"],
        ["工业废水处理", "土壤重金属修复", "固废资源化", "二氧化碳捕集", "稀土分离"],
        ["技术", "成套装备", "工艺", "示范工程"],
    ),
    "ocean-space": (
        ["深海", "高分辨", "长航时", "多用途"],
        ["水下机器人", "遥感卫星载荷", "海洋观测浮标", "北斗导航终端", "深海钻探装备"],
        ["研制", "关键技术", "系统", "应用"],
    ),
    "smart-city": (
        ["城市级", "实时", "安全", "数字孪生"],
        [
            "交通信号控制",
            "城市生命线监测",
            "智慧社区平台",
            "建筑能耗管理",
            "应急指挥系统",
        ],
        ["平台", "技术", "解决方案", "应用示范"],
    ),
    "population-health": (
        ["精准", "无创", "国产", "快速"],
        ["肿瘤早筛试剂", "医学影像设备", "康复机器人", "创新疫苗", "慢病管理系统"],
        ["研发", "产业化", "临床转化", "关键技术"],
    ),
    "new-materials": (
        ["专用", "高性能", "轻量化", "耐高温"],
        ["碳纤维复合材料", "高温合金", "石墨烯薄膜", "特种陶瓷", "高分子膜材料"],
        ["研发", "制备技术", "产业化", "工程化应用"],
    ),
    "biotechnology": (
        ["高效", "合成生物", "新型", "工业"],
        ["酶制剂", "细胞培养肉", "生物基材料", "基因编辑工具", "微生物菌剂"],
        ["开发", "制造技术", "产业化", "平台"],
    ),
}
PROGRAMMES = [
    "国家重点研发计划",
    "国家自然科学基金",
    "国家科技重大专项",
    "技术创新引导专项",
]

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


def _organizations() -> dict[str, Organization]:
    orgs = {}
    for name, kind in ORGANIZATIONS:
        status = InvestorStatus.NONE
        if name == "长江科创股权投资基金" or name == "华东新能源装备股份有限公司":
            status = InvestorStatus.APPROVED
        elif name == "国科成果转化创业投资基金":
            status = InvestorStatus.PENDING
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


def _agri_terms(index: int) -> dict:
    """The agricultural vocabularies' terms of an agricultural demo
    achievement, taken in turn (not from the random stream, which the other
    fields use)."""
    from .models import AgriIndustry, AgriScenario, AgriTechField

    picks = {}
    for key, model in (
        ("agri_tech_field", AgriTechField),
        ("agri_industry", AgriIndustry),
        ("agri_scenario", AgriScenario),
    ):
        terms = list(model.objects.order_by("sort_order", "code"))
        picks[key] = terms[(index // 7 + len(key)) % len(terms)] if terms else None
    return picks


def _achievement(
    rng: random.Random, index: int, fields, provinces, owners
) -> Achievement:
    field = fields[index % len(fields)]
    adjectives, subjects, endings = TOPICS.get(field.code, TOPICS["new-materials"])
    subject = rng.choice(subjects)
    title = f"{rng.choice(adjectives)}{subject}{rng.choice(endings)}"
    status, publication = rng.choices(
        [(s, p) for s, p, _w in STATE_MIX], weights=[w for *_x, w in STATE_MIX]
    )[0]
    modes = rng.sample(list(TransferMode.values), k=rng.randint(1, 3))
    price_min = Decimal(rng.randrange(20, 2000, 10))
    owner = owners[index % len(owners)]
    return Achievement(
        title=title[:200],
        summary=(
            f"本成果面向{field.name}领域，围绕{subject}开展系统研究，突破了关键工艺与核心部件"
            f"的技术瓶颈，形成了具有自主知识产权的{subject}成套技术。经第三方测试，主要性能"
            f"指标达到国际先进水平，已在{rng.choice(provinces).name}开展中试验证，具备规模化推广条件。"
        ),
        owner=owner,
        team=f"{rng.choice('王李张刘陈杨黄赵周吴')}{rng.choice('建华伟强明军磊洋勇艳')}教授团队",
        source_programme=rng.choice(PROGRAMMES),
        project_number=f"DEMO{2019 + index % 6}YFC{index:06d}",
        field=field,
        trl=rng.randint(1, 9),
        market_demand=f"{subject}市场规模持续扩大，国内企业对国产化替代需求迫切。",
        transfer_demand="寻求具备产业化能力的企业开展合作，或引入产业基金共同设立公司。",
        transfer_modes=modes,
        open_licence_terms=(
            "许可期限 3 年，普通许可，许可费按销售额 3% 计取。"
            if TransferMode.OPEN_LICENCE in modes
            else ""
        ),
        price_min=price_min,
        price_max=price_min + Decimal(rng.randrange(0, 3000, 10)),
        patents=f"ZL20{rng.randint(15, 24)}1{rng.randint(1000000, 9999999)}.{rng.randint(0, 9)}",
        keywords=f"{subject}、{field.name}",
        contact_name="技术转移办公室",
        contact_phone=f"010-{rng.randint(60000000, 69999999)}",
        contact_email="ttc@example.edu.cn",
        **(_agri_terms(index) if field.is_agricultural else {}),
        status=status,
        publication=publication,
        published_at=(
            timezone.now() - timedelta(days=rng.randint(0, 700), minutes=index)
            if publication != Publication.NONE
            else None
        ),
    )


@transaction.atomic
def seed_demo(*, achievements: int = 320, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    orgs = _organizations()
    logins = _users(orgs)
    fields = list(IndustryField.objects.order_by("sort_order"))
    provinces = list(Province.objects.order_by("code"))
    owners = [orgs[name] for name in OWNERS]

    fixed = [
        ("专用碳纤维复合材料研发", "new-materials"),
        ("玉米基因组设计育种", "modern-agriculture"),
    ]
    existing = set(
        Achievement.objects.filter(project_number__startswith="DEMO").values_list(
            "project_number", flat=True
        )
    )
    batch, provinces_of = [], []
    for index in range(achievements):
        achievement = _achievement(rng, index, fields, provinces, owners)
        targets = rng.sample(provinces, k=rng.randint(1, 4))
        if index < len(fixed):
            achievement.title = fixed[index][0]
            achievement.field = next(f for f in fields if f.code == fixed[index][1])
            achievement.status = ReviewStatus.CLEARED
            achievement.publication = Publication.PUBLIC
            achievement.published_at = timezone.now()
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
            ReviewEvent(
                achievement_id=a.pk,
                from_status=ReviewStatus.DRAFT,
                to_status=a.status,
                comment="示范数据",
            )
            for a in chunk
        )
        created += len(chunk)

    demands = [
        (
            "风电叶片用高性能碳纤维复合材料",
            "new-materials",
            "32",
            "需要可用于大型风电叶片主梁的碳纤维复合材料及成型工艺，要求拉伸强度高、成本可控。",
        ),
        (
            "高产抗逆玉米新品种",
            "modern-agriculture",
            "41",
            "面向黄淮海地区，寻求玉米基因组设计育种成果，提升单产与抗倒伏能力。",
        ),
        (
            "大容量储能电站电池管理",
            "modern-energy",
            "44",
            "需要长寿命、大容量固态锂电池及储能电站系统集成技术。",
        ),
        (
            "工业机器人精密减速器国产化",
            "smart-manufacturing",
            "21",
            "寻求高精度减速器设计与制造技术，替代进口产品。",
        ),
    ]
    owner = orgs["华东新能源装备股份有限公司"]
    by_code = {f.code: f for f in fields}
    by_province = {p.code: p for p in provinces}
    for title, field_code, province_code, description in demands:
        Demand.objects.update_or_create(
            organization=owner,
            title=title,
            defaults={
                "field": by_code[field_code],
                "province": by_province[province_code],
                "description": description,
                "budget_min": Decimal("200"),
                "budget_max": Decimal("1500"),
                "min_trl": 5,
                "deadline": date.today() + timedelta(days=90),
                "status": "published",
            },
        )
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
