"""The agricultural dimensions become controlled vocabularies (seeds/004 六.2),
and the registry of the places achievements go to (进园入县).

Existing free text is mapped to a term when it equals (after normalising
width, case and spaces) a term's name, English name or code, or one of the
older wordings in ALIASES. Nothing is created silently: text that maps to no
term stays on the achievement in ``agri_unmapped`` ({key: text}), is printed
here, and is listed by ``manage.py agri_unmapped`` until someone picks a term.
"""

import importlib
import unicodedata

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

# SQLite rebuilds the table to rename or drop a column, dropping the full-text
# triggers: 0003's step puts them back and rebuilds the index.
_restore = importlib.import_module(
    "achievements.migrations.0003_facet_index"
).restore_sqlite_triggers

# (code, name, English name) — drawn from seeds/004 六 (the five staple crops,
# the four cultivated-land scenarios, seed industry and land protection) and
# the usual divisions of agricultural science and of the farm economy.
TECH_FIELDS = [
    ("crop-breeding", "作物育种", "Crop breeding"),
    ("livestock-breeding", "畜禽水产育种", "Livestock and aquatic breeding"),
    (
        "soil-improvement",
        "耕地质量提升与土壤改良",
        "Cultivated land and soil improvement",
    ),
    (
        "fertilizer-water",
        "节水灌溉与高效施肥",
        "Water-saving irrigation and fertilizing",
    ),
    ("plant-protection", "病虫害绿色防控", "Green pest and disease control"),
    ("agri-machinery", "农业机械与装备", "Agricultural machinery and equipment"),
    (
        "smart-agriculture",
        "智慧农业与信息技术",
        "Smart agriculture and information technology",
    ),
    ("animal-health", "畜禽健康养殖与疫病防控", "Animal husbandry and disease control"),
    ("food-processing", "农产品加工与贮藏保鲜", "Food processing and storage"),
    ("agri-ecology", "农业资源环境与生态", "Agricultural resources and ecology"),
]
INDUSTRIES = [
    ("grain", "粮食生产", "Grain production"),
    ("oil-crops", "油料生产", "Oil crops"),
    ("horticulture", "园艺（果蔬茶）", "Horticulture (fruit, vegetables, tea)"),
    ("livestock", "畜牧业", "Livestock farming"),
    ("fishery", "渔业", "Fisheries"),
    ("forestry-grass", "林草业", "Forestry and grassland"),
    ("herbal-medicine", "中药材", "Medicinal herbs"),
    ("food-industry", "农产品加工业", "Agri-food processing"),
    ("agri-services", "农业社会化服务", "Agricultural services"),
]
SCENARIOS = [
    ("field-crops", "大田种植", "Field crops"),
    ("protected-cultivation", "设施种植", "Protected cultivation"),
    ("black-soil", "黑土地保护利用", "Black soil conservation"),
    ("dryland", "干旱半干旱耕地", "Arid and semi-arid farmland"),
    ("saline-alkali", "盐碱地改良利用", "Saline-alkali land"),
    ("red-yellow-soil", "红黄壤改良", "Red and yellow soils"),
    ("hilly-areas", "丘陵山区", "Hilly and mountainous areas"),
    ("intensive-livestock", "规模化养殖", "Intensive livestock farming"),
    ("aquaculture", "池塘与工厂化养殖", "Pond and recirculating aquaculture"),
    ("post-harvest", "产地初加工与冷链", "Post-harvest handling and cold chain"),
]
# Older free-text wordings → the term's code.
ALIASES = {
    "agri_tech_field": {"育种": "crop-breeding", "种业": "crop-breeding"},
    "agri_industry": {"粮食": "grain", "种植业": "grain"},
    "agri_scenario": {"大田": "field-crops", "设施农业": "protected-cultivation"},
}
MODELS = {
    "agri_tech_field": "AgriTechField",
    "agri_industry": "AgriIndustry",
    "agri_scenario": "AgriScenario",
}


def normalise(text):
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def seed_terms(apps, schema_editor):
    for model_name, terms in (
        ("AgriTechField", TECH_FIELDS),
        ("AgriIndustry", INDUSTRIES),
        ("AgriScenario", SCENARIOS),
    ):
        model = apps.get_model("achievements", model_name)
        for order, (code, name, name_en) in enumerate(terms, start=1):
            model.objects.update_or_create(
                code=code,
                defaults={"name": name, "name_en": name_en, "sort_order": order * 10},
            )


def map_free_text(apps, schema_editor):
    Achievement = apps.get_model("achievements", "Achievement")
    lookups = {}
    for key, model_name in MODELS.items():
        table = {}
        for term in apps.get_model("achievements", model_name).objects.all():
            for alias in (term.code, term.name, term.name_en):
                if alias:
                    table[normalise(alias)] = term.pk
        by_code = {
            t.code: t.pk
            for t in apps.get_model("achievements", model_name).objects.all()
        }
        for alias, code in ALIASES[key].items():
            table.setdefault(normalise(alias), by_code[code])
        lookups[key] = table
    unmapped = []
    rows = Achievement.objects.exclude(
        agri_tech_field_text="", agri_industry_text="", agri_scenario_text=""
    )
    for achievement in rows.iterator():
        left = {}
        changed = []
        for key in MODELS:
            text = getattr(achievement, f"{key}_text").strip()
            if not text:
                continue
            term_id = lookups[key].get(normalise(text))
            if term_id is None:
                left[key] = text
            else:
                setattr(achievement, f"{key}_id", term_id)
                changed.append(f"{key}_id")
        if left:
            achievement.agri_unmapped = left
            changed.append("agri_unmapped")
            unmapped.append((achievement.pk, left))
        # update() rather than save(): the historical model has no save hooks
        # and the achievement's other columns must not move.
        Achievement.objects.filter(pk=achievement.pk).update(
            **{name: getattr(achievement, name) for name in changed}
        )
    if unmapped:
        print(
            f"\n  {len(unmapped)} achievement(s) kept agricultural text that "
            "matched no term (see manage.py agri_unmapped):"
        )
        for pk, left in unmapped[:50]:
            print(f"    #{pk}: {left}")


def unmap_to_free_text(apps, schema_editor):
    Achievement = apps.get_model("achievements", "Achievement")
    for achievement in Achievement.objects.select_related(
        "agri_tech_field", "agri_industry", "agri_scenario"
    ).iterator():
        values = {}
        for key in MODELS:
            term = getattr(achievement, key)
            text = term.name if term else achievement.agri_unmapped.get(key, "")
            values[f"{key}_text"] = text
        Achievement.objects.filter(pk=achievement.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_role_changes_and_colleague_approval"),
        ("achievements", "0007_demands_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgriIndustry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "code",
                    models.SlugField(max_length=40, unique=True, verbose_name="代码"),
                ),
                (
                    "name",
                    models.CharField(max_length=60, unique=True, verbose_name="名称"),
                ),
                (
                    "name_en",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="英文名称"
                    ),
                ),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="停用后不再供新填写和导入选择。",
                        verbose_name="可选用",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(default=0, verbose_name="排序"),
                ),
            ],
            options={
                "verbose_name": "服务产业类型（农业）",
                "verbose_name_plural": "服务产业类型（农业）",
                "ordering": ["sort_order", "code"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="AgriScenario",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "code",
                    models.SlugField(max_length=40, unique=True, verbose_name="代码"),
                ),
                (
                    "name",
                    models.CharField(max_length=60, unique=True, verbose_name="名称"),
                ),
                (
                    "name_en",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="英文名称"
                    ),
                ),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="停用后不再供新填写和导入选择。",
                        verbose_name="可选用",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(default=0, verbose_name="排序"),
                ),
            ],
            options={
                "verbose_name": "产业应用场景（农业）",
                "verbose_name_plural": "产业应用场景（农业）",
                "ordering": ["sort_order", "code"],
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="AgriTechField",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "code",
                    models.SlugField(max_length=40, unique=True, verbose_name="代码"),
                ),
                (
                    "name",
                    models.CharField(max_length=60, unique=True, verbose_name="名称"),
                ),
                (
                    "name_en",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="英文名称"
                    ),
                ),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="停用后不再供新填写和导入选择。",
                        verbose_name="可选用",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(default=0, verbose_name="排序"),
                ),
            ],
            options={
                "verbose_name": "技术领域（农业）",
                "verbose_name_plural": "技术领域（农业）",
                "ordering": ["sort_order", "code"],
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="achievement",
            name="agri_unmapped",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                verbose_name="未匹配的农业分类",
            ),
        ),
        migrations.RunPython(seed_terms, migrations.RunPython.noop),
        # The free text of before, kept under another name until it is mapped.
        migrations.RenameField(
            "achievement", "agri_tech_field", "agri_tech_field_text"
        ),
        migrations.RenameField("achievement", "agri_industry", "agri_industry_text"),
        migrations.RenameField("achievement", "agri_scenario", "agri_scenario_text"),
        migrations.AddField(
            model_name="achievement",
            name="agri_industry",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="achievements",
                to="achievements.agriindustry",
                verbose_name="服务产业类型（农业）",
            ),
        ),
        migrations.AddField(
            model_name="achievement",
            name="agri_scenario",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="achievements",
                to="achievements.agriscenario",
                verbose_name="产业应用场景（农业）",
            ),
        ),
        migrations.AddField(
            model_name="achievement",
            name="agri_tech_field",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="achievements",
                to="achievements.agritechfield",
                verbose_name="技术领域（农业）",
            ),
        ),
        migrations.RunPython(map_free_text, unmap_to_free_text),
        migrations.RemoveField("achievement", "agri_tech_field_text"),
        migrations.RemoveField("achievement", "agri_industry_text"),
        migrations.RemoveField("achievement", "agri_scenario_text"),
        migrations.RunPython(_restore, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Place",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="创建时间"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="更新时间"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("agri_zone", "国家农业高新技术产业示范区"),
                            ("agri_park", "国家农业科技园区"),
                            ("county", "县（市、区）"),
                        ],
                        max_length=16,
                        verbose_name="类型",
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="名称")),
                (
                    "name_en",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="英文名称"
                    ),
                ),
                (
                    "admin_code",
                    models.CharField(
                        help_text="所在县级行政区的 6 位代码（GB/T 2260）；前两位为省级代码。",
                        max_length=6,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[1-8]\\d{5}$",
                                "行政区划代码为 6 位数字（GB/T 2260），如 610403。",
                            )
                        ],
                        verbose_name="行政区划代码",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        help_text="其成员可以查看本地适用的清单成果。",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="places",
                        to="accounts.organization",
                        verbose_name="管理机构",
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="places",
                        to="achievements.province",
                        verbose_name="所在省份",
                    ),
                ),
            ],
            options={
                "verbose_name": "园区与县域",
                "verbose_name_plural": "园区与县域",
                "ordering": ["province__code", "kind", "admin_code", "name"],
            },
        ),
        migrations.AddField(
            model_name="demand",
            name="place",
            field=models.ForeignKey(
                blank=True,
                help_text="农业园区、县域提出的需求：其进园入县清单按此匹配。",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="demands",
                to="achievements.place",
                verbose_name="园区或县域",
            ),
        ),
        migrations.AddConstraint(
            model_name="place",
            constraint=models.CheckConstraint(
                condition=models.Q(("admin_code__regex", "^[1-8][0-9]{5}$")),
                name="place_admin_code_six_digits",
            ),
        ),
        migrations.AddConstraint(
            model_name="place",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "county")),
                fields=("admin_code",),
                name="place_county_code_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="place",
            constraint=models.UniqueConstraint(
                fields=("kind", "name"), name="place_name_unique"
            ),
        ),
    ]
