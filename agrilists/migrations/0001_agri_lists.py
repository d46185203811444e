import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("achievements", "0008_agri_vocabularies_and_places"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AgriList",
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
                    "scope",
                    models.CharField(
                        choices=[
                            ("national", "国家科技计划成果清单"),
                            ("local", "地方先进适用技术成果清单"),
                        ],
                        max_length=16,
                        verbose_name="清单类型",
                    ),
                ),
                (
                    "period",
                    models.CharField(
                        help_text="如“2026年第三季度”。",
                        max_length=40,
                        verbose_name="批次",
                    ),
                ),
                ("issued_on", models.DateField(verbose_name="发布日期")),
                ("introduction", models.TextField(blank=True, verbose_name="说明")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "草稿"), ("published", "已发布（冻结）")],
                        db_index=True,
                        default="draft",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="发布时间"
                    ),
                ),
                (
                    "xlsx",
                    models.BinaryField(blank=True, null=True, verbose_name="清单文件"),
                ),
                (
                    "xlsx_sha256",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=64,
                        verbose_name="文件校验值（SHA-256）",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        blank=True,
                        help_text="地方清单所属的省份；国家清单不填。",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="achievements.province",
                        verbose_name="省份",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "进园入县清单",
                "verbose_name_plural": "进园入县清单",
                "ordering": ["-issued_on", "scope", "province__code", "-id"],
            },
        ),
        migrations.CreateModel(
            name="AgriListEntry",
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
                    "position",
                    models.PositiveIntegerField(default=0, verbose_name="序号"),
                ),
                (
                    "snapshot",
                    models.JSONField(
                        blank=True, null=True, verbose_name="发布时的内容"
                    ),
                ),
                ("added_at", models.DateTimeField(auto_now_add=True)),
                (
                    "achievement",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="achievements.achievement",
                        verbose_name="科技成果",
                    ),
                ),
                (
                    "agri_list",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="agrilists.agrilist",
                    ),
                ),
            ],
            options={
                "verbose_name": "清单成果",
                "verbose_name_plural": "清单成果",
                "ordering": ["position", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="agrilist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("province__isnull", True), ("scope", "national")),
                    models.Q(("province__isnull", False), ("scope", "local")),
                    _connector="OR",
                ),
                name="agri_list_local_has_province",
            ),
        ),
        migrations.AddConstraint(
            model_name="agrilist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "draft"),
                    models.Q(("published_at__isnull", False), ("xlsx__isnull", False)),
                    _connector="OR",
                ),
                name="agri_list_published_is_frozen",
            ),
        ),
        migrations.AddConstraint(
            model_name="agrilist",
            constraint=models.UniqueConstraint(
                condition=models.Q(("province__isnull", True)),
                fields=("scope", "period"),
                name="agri_list_one_national_per_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="agrilist",
            constraint=models.UniqueConstraint(
                condition=models.Q(("province__isnull", False)),
                fields=("scope", "province", "period"),
                name="agri_list_one_local_per_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="agrilistentry",
            constraint=models.UniqueConstraint(
                fields=("agri_list", "achievement"), name="agri_list_entry_once"
            ),
        ),
    ]
