"""The organizers' workplace in the Wagtail admin: the library and bulk collection."""

import secrets

import django_filters
from django import forms
from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import CreateView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts import permissions
from accounts.admin_menu import OrganizerMenuItem, OrganizersOnly
from accounts.models import ApiToken, Membership, Organization

from .admin_views import (
    demand_import_view,
    demand_template_view,
    import_view,
    template_view,
)
from .enums import ReviewStatus
from .forms import DEMAND_FORM_FIELDS
from .models import (
    Achievement,
    AgriIndustry,
    AgriScenario,
    AgriTechField,
    Demand,
    IndustryField,
    Place,
    Province,
)


class AchievementAdminPolicy(ModelPermissionPolicy):
    """Organizers list and inspect achievements here; content changes go
    through the workspace forms, which run the review workflow."""

    def user_has_permission(self, user, action):
        return action == "view" and permissions.is_organizer(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)


register_permission_policy(Achievement, AchievementAdminPolicy(Achievement))
# The agricultural vocabularies and the registry of places: organizers only.
# A term is never deleted (achievements and published lists name it): it is
# made inactive instead.
for _model in (AgriTechField, AgriIndustry, AgriScenario):
    register_permission_policy(
        _model, OrganizersOnly(_model, actions={"add", "change", "view"})
    )
register_permission_policy(Place, OrganizersOnly(Place))


class AchievementFilterSet(WagtailFilterSet):
    # Several statuses at once: "waiting for review" is two of them.
    status = django_filters.MultipleChoiceFilter(
        label=gettext_lazy("状态"),
        choices=ReviewStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Achievement
        fields = ["status", "publication", "field", "trl"]


class AchievementViewSet(ModelViewSet):
    model = Achievement
    filterset_class = AchievementFilterSet
    icon = "doc-full"
    menu_label = gettext_lazy("科技成果")
    list_display = [
        "title",
        "owner",
        "field",
        "trl",
        "status",
        "publication",
        "updated_at",
    ]
    search_fields = ["title", "project_number"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "project_number",
        "owner",
        "team",
        "source_programme",
        "trl",
        "summary",
        "market_demand",
        "transfer_modes",
        "price_min",
        "price_max",
        "patents",
        "agri_tech_field",
        "agri_industry",
        "agri_scenario",
        "agri_unmapped",
        "status",
        "publication",
        "published_at",
    ]
    copy_view_enabled = False
    form_fields = ["title"]


class ApiTokenCreateView(CreateView):
    def save_instance(self):
        key = secrets.token_urlsafe(32)
        instance = self.form.save(commit=False)
        instance.prefix = key[:8]
        instance.key_hash = ApiToken.hash_key(key)
        instance.save()
        messages.warning(
            self.request,
            _("接口令牌（只显示这一次，请立即保存）：%(key)s") % {"key": key},
        )
        return instance


class ApiTokenViewSet(ModelViewSet):
    model = ApiToken
    icon = "key"
    menu_label = gettext_lazy("接口令牌")
    add_view_class = ApiTokenCreateView
    form_fields = ["organization", "label", "revoked_at"]
    list_display = [
        "organization",
        "label",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    copy_view_enabled = False


class LibraryGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("成果库")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = [
        AchievementViewSet("achievement"),
        ModelViewSet(
            "demand",
            model=Demand,
            icon="help",
            menu_label=gettext_lazy("技术需求"),
            form_fields=[*DEMAND_FORM_FIELDS, "place"],
            list_display=[
                "title",
                "kind",
                "organization",
                "field",
                "province",
                "place",
                "status",
            ],
            list_filter=["kind", "status", "field"],
            copy_view_enabled=False,
        ),
        ModelViewSet(
            "industryfield",
            model=IndustryField,
            icon="tag",
            menu_label=gettext_lazy("产业领域"),
            form_fields=["code", "name", "name_en", "is_agricultural", "sort_order"],
            list_display=["name", "code", "is_agricultural", "sort_order"],
            copy_view_enabled=False,
        ),
        ModelViewSet(
            "province",
            model=Province,
            icon="site",
            menu_label=gettext_lazy("省级行政区"),
            form_fields=["code", "name", "name_en", "macro_region"],
            list_display=["name", "code", "macro_region"],
            list_filter=["macro_region"],
            copy_view_enabled=False,
        ),
    ]


def _vocabulary(name: str, model, label) -> ModelViewSet:
    return ModelViewSet(
        name,
        model=model,
        icon="tag",
        menu_label=label,
        form_fields=["code", "name", "name_en", "active", "sort_order"],
        list_display=["name", "name_en", "code", "active", "sort_order"],
        list_filter=["active"],
        search_fields=["name", "name_en", "code"],
        copy_view_enabled=False,
    )


class AgriGroup(ModelViewSetGroup):
    """进园入县: the agricultural vocabularies and the places (seeds/004 六.2)."""

    menu_label = gettext_lazy("农业成果分类与园区县域")
    menu_icon = "tag"
    menu_order = 202
    items = [
        _vocabulary("agritechfield", AgriTechField, gettext_lazy("技术领域（农业）")),
        _vocabulary("agriindustry", AgriIndustry, gettext_lazy("服务产业类型（农业）")),
        _vocabulary("agriscenario", AgriScenario, gettext_lazy("产业应用场景（农业）")),
        ModelViewSet(
            "place",
            model=Place,
            icon="site",
            menu_label=gettext_lazy("园区与县域"),
            form_fields=[
                "kind",
                "name",
                "name_en",
                "province",
                "admin_code",
                "organization",
            ],
            list_display=["name", "kind", "admin_code", "province", "organization"],
            list_filter=["kind", "province"],
            search_fields=["name", "admin_code"],
            copy_view_enabled=False,
        ),
    ]


class AccountsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("机构与角色")
    menu_icon = "group"
    menu_order = 210
    items = [
        ModelViewSet(
            "organization",
            model=Organization,
            icon="group",
            menu_label=gettext_lazy("机构"),
            form_fields=[
                "name",
                "kind",
                "credit_code",
                "investor_status",
                "contact_email",
            ],
            list_display=["name", "kind", "investor_status"],
            list_filter=["kind", "investor_status"],
            search_fields=["name"],
            copy_view_enabled=False,
        ),
        ModelViewSet(
            "membership",
            model=Membership,
            icon="user",
            menu_label=gettext_lazy("成员与角色"),
            form_fields=["user", "organization", "role"],
            list_display=["user", "organization", "role"],
            list_filter=["role"],
            copy_view_enabled=False,
        ),
        ApiTokenViewSet("apitoken"),
    ]


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [LibraryGroup(), AgriGroup(), AccountsGroup()]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("library/import/", import_view, name="achievements_import"),
        path("library/import/template/", template_view, name="achievements_template"),
        path("library/demands/import/", demand_import_view, name="demands_import"),
        path(
            "library/demands/import/template/",
            demand_template_view,
            name="demands_template",
        ),
    ]


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("批量汇交"),
        reverse("achievements_import"),
        icon_name="upload",
        order=205,
    )


@hooks.register("register_admin_menu_item")
def demand_import_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("导入需求清单"),
        reverse("demands_import"),
        icon_name="upload",
        order=207,
    )


@hooks.register("register_admin_menu_item")
def catalogue_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("成果目录与导出"),
        reverse("achievements:catalogue"),
        icon_name="list-ul",
        order=206,
    )
