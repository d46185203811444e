"""Managed reference data (fields, provinces) and the Chinese search index."""

from django.db import migrations

FIELDS = [
    ("new-it", "新一代信息网络", "Next-generation information networks", False),
    ("smart-manufacturing", "智能绿色制造", "Smart and green manufacturing", False),
    ("modern-agriculture", "现代农业", "Modern agriculture", True),
    ("modern-energy", "现代能源", "Modern energy", False),
    (
        "resources-environment",
        "资源高效利用和生态环保",
        "Resources and environment",
        False,
    ),
    ("ocean-space", "海洋和空间", "Ocean and space", False),
    ("smart-city", "智慧城市和数字社会", "Smart cities and digital society", False),
    ("population-health", "人口健康", "Population health", False),
    ("new-materials", "新材料", "New materials", False),
    ("biotechnology", "生物技术", "Biotechnology", False),
]

PROVINCES = [
    ("11", "北京市", "Beijing", "east"),
    ("12", "天津市", "Tianjin", "east"),
    ("13", "河北省", "Hebei", "east"),
    ("14", "山西省", "Shanxi", "central"),
    ("15", "内蒙古自治区", "Inner Mongolia", "west"),
    ("21", "辽宁省", "Liaoning", "northeast"),
    ("22", "吉林省", "Jilin", "northeast"),
    ("23", "黑龙江省", "Heilongjiang", "northeast"),
    ("31", "上海市", "Shanghai", "east"),
    ("32", "江苏省", "Jiangsu", "east"),
    ("33", "浙江省", "Zhejiang", "east"),
    ("34", "安徽省", "Anhui", "central"),
    ("35", "福建省", "Fujian", "east"),
    ("36", "江西省", "Jiangxi", "central"),
    ("37", "山东省", "Shandong", "east"),
    ("41", "河南省", "Henan", "central"),
    ("42", "湖北省", "Hubei", "central"),
    ("43", "湖南省", "Hunan", "central"),
    ("44", "广东省", "Guangdong", "east"),
    ("45", "广西壮族自治区", "Guangxi", "west"),
    ("46", "海南省", "Hainan", "east"),
    ("50", "重庆市", "Chongqing", "west"),
    ("51", "四川省", "Sichuan", "west"),
    ("52", "贵州省", "Guizhou", "west"),
    ("53", "云南省", "Yunnan", "west"),
    ("54", "西藏自治区", "Tibet", "west"),
    ("61", "陕西省", "Shaanxi", "west"),
    ("62", "甘肃省", "Gansu", "west"),
    ("63", "青海省", "Qinghai", "west"),
    ("64", "宁夏回族自治区", "Ningxia", "west"),
    ("65", "新疆维吾尔自治区", "Xinjiang", "west"),
]

T = "achievements_achievement"
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {T}_fts USING fts5(search_bigrams, content='{T}', "
    "content_rowid='id', tokenize='unicode61')",
    f"CREATE TRIGGER {T}_fts_ai AFTER INSERT ON {T} BEGIN "
    f"INSERT INTO {T}_fts(rowid, search_bigrams) VALUES (new.id, new.search_bigrams); END",
    f"CREATE TRIGGER {T}_fts_ad AFTER DELETE ON {T} BEGIN "
    f"INSERT INTO {T}_fts({T}_fts, rowid, search_bigrams) "
    "VALUES ('delete', old.id, old.search_bigrams); END",
    f"CREATE TRIGGER {T}_fts_au AFTER UPDATE OF search_bigrams ON {T} BEGIN "
    f"INSERT INTO {T}_fts({T}_fts, rowid, search_bigrams) "
    "VALUES ('delete', old.id, old.search_bigrams); "
    f"INSERT INTO {T}_fts(rowid, search_bigrams) VALUES (new.id, new.search_bigrams); END",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {T}_fts_au",
    f"DROP TRIGGER IF EXISTS {T}_fts_ad",
    f"DROP TRIGGER IF EXISTS {T}_fts_ai",
    f"DROP TABLE IF EXISTS {T}_fts",
]
PG_FORWARD = [
    f"CREATE INDEX achievement_bigrams_gin ON {T} "
    "USING gin (to_tsvector('simple'::regconfig, search_bigrams))",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS achievement_bigrams_gin"]


def reference_data(apps, schema_editor):
    IndustryField = apps.get_model("achievements", "IndustryField")
    Province = apps.get_model("achievements", "Province")
    for order, (code, name, name_en, agri) in enumerate(FIELDS):
        IndustryField.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "is_agricultural": agri,
                "sort_order": order,
            },
        )
    for code, name, name_en, region in PROVINCES:
        Province.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "macro_region": region},
        )


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("achievements", "0001_initial")]
    operations = [
        migrations.RunPython(reference_data, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        ),
    ]
