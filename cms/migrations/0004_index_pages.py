from django.db import migrations

PAGES = [
    (
        "roadshowindexpage",
        "路演",
        "roadshows",
        "<p>每月一场领域路演、一场区域路演，线上线下结合。</p>",
    ),
    ("caseindexpage", "典型案例", "cases", "<p>科技成果转移转化的典型案例。</p>"),
]


def create_index_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("cms.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")
    home = HomePage.objects.filter(depth=2).first()
    if home is None:
        return
    locale = Locale.objects.order_by("pk").first()
    Page = apps.get_model("wagtailcore.Page")
    for model_name, title, slug, intro in PAGES:
        Model = apps.get_model("cms", model_name)
        if Model.objects.exists():
            continue
        content_type, _ = ContentType.objects.get_or_create(
            app_label="cms", model=model_name
        )
        siblings = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
        last = siblings.order_by("-path").values_list("path", flat=True).first()
        step = int(last[-4:], 36) + 1 if last else 1
        path = home.path + format_base36(step).rjust(4, "0")
        Model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=path,
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}{slug}/",
            locale=locale,
            intro=intro,
            live=True,
            has_unpublished_changes=False,
        )
        Page.objects.filter(pk=home.pk).update(numchild=siblings.count() + 1)


def format_base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


class Migration(migrations.Migration):
    dependencies = [("cms", "0003_caseindexpage_roadshowindexpage_casepage_and_more")]
    operations = [migrations.RunPython(create_index_pages, migrations.RunPython.noop)]
